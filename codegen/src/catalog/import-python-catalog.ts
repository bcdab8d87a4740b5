import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TaskCatalogFile } from "../../../sdk/src/gen/json-schema/types.js";
import { parseJsonSchemaCatalog } from "./read-json-schema-catalog.js";

export interface ImportPythonOptions {
  /** The Celery app, as `celery -A` takes it: `module`, `module:attr` or `module.attr`. */
  readonly app: string;
  /** Python interpreter; default `.venv/bin/python` of `cwd` when present, else `$VIRTUAL_ENV/bin/python`, else `python3`. */
  readonly python?: string;
  /** Working directory of the interpreter (where the app module is imported from); default `process.cwd()`. */
  readonly cwd?: string;
  /** Extra PYTHONPATH entries. */
  readonly pythonPath?: readonly string[];
  /** Only tasks whose name starts with this. */
  readonly prefix?: string;
}

/**
 * Imports a Celery app in Python and describes its registered tasks (signatures, type hints, docstrings, task
 * options) as a JSON Schema task catalog, checked against task-catalog.schema.json before it is returned.
 */
export async function importPythonCatalog(options: ImportPythonOptions): Promise<TaskCatalogFile> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  // A relative interpreter path is relative to where the command runs, not to the app's directory.
  const python = options.python === undefined ? defaultPython(cwd) : options.python.includes(path.sep) ? path.resolve(options.python) : options.python;
  const env = {
    ...process.env,
    PYTHONUNBUFFERED: "1",
    PYTHONPATH: [cwd, ...(options.pythonPath ?? []).map((p) => path.resolve(p)), process.env["PYTHONPATH"] ?? ""].filter((p) => p !== "").join(path.delimiter),
  };
  const { code, stdout, stderr } = await run(python, [locateScript(), options.app, options.prefix ?? ""], cwd, env);
  if (code !== 0) {
    throw new CeleryProtoError(
      "InvalidOption",
      `app: ${python} could not describe ${options.app} (exit ${code}):\n${stderr.trim().split("\n").slice(-8).join("\n")}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch (cause) {
    throw new CeleryProtoError("InvalidOption", `app: ${python} printed something that is not JSON: ${stdout.slice(0, 200)}`, { cause });
  }
  parseJsonSchemaCatalog(document, `import-python -A ${options.app}`);
  return document as TaskCatalogFile;
}

function defaultPython(cwd: string): string {
  const local = path.join(cwd, ".venv", "bin", "python");
  if (existsSync(local)) return local;
  const active = process.env["VIRTUAL_ENV"];
  if (active !== undefined && existsSync(path.join(active, "bin", "python"))) return path.join(active, "bin", "python");
  return "python3";
}

/** The describing script ships as a file beside the sources (codegen/src/python), found from source and from dist. */
function locateScript(): string {
  for (let directory = import.meta.dirname; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, "codegen", "src", "python", "describe_celery_app.py");
    if (existsSync(candidate)) return candidate;
    const sibling = path.join(directory, "python", "describe_celery_app.py");
    if (existsSync(sibling)) return sibling;
    if (path.dirname(directory) === directory) throw new CeleryProtoError("InvalidOption", "app: describe_celery_app.py is missing from this installation");
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
