import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** Where and with which interpreter a script of `codegen/src/python` imports a Celery app. */
export interface PythonAppOptions {
  /** The Celery app, as `celery -A` takes it: `module`, `module:attr` or `module.attr`. */
  readonly app: string;
  /** Python interpreter; default `.venv/bin/python` of `cwd` when present, else `$VIRTUAL_ENV/bin/python`, else `python3`. */
  readonly python?: string;
  /** Working directory of the interpreter (where the app module is imported from); default `process.cwd()`. */
  readonly cwd?: string;
  /** Extra PYTHONPATH entries. */
  readonly pythonPath?: readonly string[];
}

/**
 * Runs `codegen/src/python/<script>` with the app and `args` as its arguments, and parses what it prints on stdout
 * as JSON. A failing script or output that is not JSON is an `InvalidOption` error quoting the script's last lines.
 */
export async function runPythonAppScript(script: string, options: PythonAppOptions, args: readonly string[] = []): Promise<unknown> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  // A relative interpreter path is relative to where the command runs, not to the app's directory.
  const python = options.python === undefined ? defaultPython(cwd) : options.python.includes(path.sep) ? path.resolve(options.python) : options.python;
  const env = {
    ...process.env,
    PYTHONUNBUFFERED: "1",
    PYTHONPATH: [cwd, ...(options.pythonPath ?? []).map((p) => path.resolve(p)), process.env["PYTHONPATH"] ?? ""].filter((p) => p !== "").join(path.delimiter),
  };
  const { code, stdout, stderr } = await run(python, [locateScript(script), options.app, ...args], cwd, env);
  if (code !== 0) {
    throw new CeleryProtoError(
      "InvalidOption",
      `app: ${python} could not describe ${options.app} (exit ${code}):\n${stderr.trim().split("\n").slice(-8).join("\n")}`,
    );
  }
  try {
    return JSON.parse(stdout) as unknown;
  } catch (cause) {
    throw new CeleryProtoError("InvalidOption", `app: ${python} printed something that is not JSON: ${stdout.slice(0, 200)}`, { cause });
  }
}

function defaultPython(cwd: string): string {
  const local = path.join(cwd, ".venv", "bin", "python");
  if (existsSync(local)) return local;
  const active = process.env["VIRTUAL_ENV"];
  if (active !== undefined && existsSync(path.join(active, "bin", "python"))) return path.join(active, "bin", "python");
  return "python3";
}

/** The scripts ship as files beside the sources (codegen/src/python), found from source and from dist. */
function locateScript(script: string): string {
  for (let directory = import.meta.dirname; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, "codegen", "src", "python", script);
    if (existsSync(candidate)) return candidate;
    const sibling = path.join(directory, "python", script);
    if (existsSync(sibling)) return sibling;
    if (path.dirname(directory) === directory) throw new CeleryProtoError("InvalidOption", `app: ${script} is missing from this installation`);
  }
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => reject(new CeleryProtoError("InvalidOption", `python: cannot run ${command}: ${e.message} (set --python)`, { cause: e })));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
