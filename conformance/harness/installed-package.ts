import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureBuilt } from "./ensure-built.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const STATE = process.env["CELERY_PROTO_STATE"] ?? path.join(ROOT, ".state");

/** What `npm pack --json` reports of the tarball. */
export interface PackedPackage {
  readonly tarball: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly string[];
}

/** The environment of a user's shell on this Node: its `node` first on PATH (the `proto` bin's shebang runs it). */
export function userEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`, ...extra };
  // The test runner's own options and loader must not reach the user's processes.
  delete env["NODE_OPTIONS"];
  delete env["NODE_TEST_CONTEXT"];
  return env;
}

/** Builds dist/ when stale (scripts/setup/build.sh) and packs the package as `npm publish` would, into a new folder. */
export function packPackage(): PackedPackage {
  ensureBuilt();
  mkdirSync(path.join(STATE, "package"), { recursive: true });
  const destination = mkdtempSync(path.join(STATE, "package", `node-${process.versions.node}-`));
  const packed = spawnSync("npm", ["pack", "--json", "--pack-destination", destination], { cwd: ROOT, encoding: "utf8", env: userEnv() });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [report] = JSON.parse(packed.stdout) as [{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }];
  return { tarball: path.join(destination, report.filename), size: report.size, unpackedSize: report.unpackedSize, files: report.files.map((f) => f.path) };
}

/** A user's project with the package installed. */
export interface InstalledProject {
  readonly dir: string;
  /** Bytes of node_modules with the package alone installed (before the project's own dev dependencies). */
  readonly installedBytes: number;
}

/**
 * A fresh project in the system's temporary directory (outside this repository, so that nothing resolves from the
 * repository's own node_modules or buf.yaml) with the tarball and then `devDependencies` installed by npm, and the
 * files of conformance/installed/ copied in.
 */
export function installIntoFreshProject(tarball: string, devDependencies: readonly string[]): InstalledProject {
  const dir = mkdtempSync(path.join(tmpdir(), `celery-proto-installed-node-${process.versions.node}-`));
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "installed-package-test", private: true, type: "module" }, null, 2)}\n`);
  cpSync(path.join(ROOT, "conformance/installed"), dir, { recursive: true });
  const args = ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball];
  const runtime = spawnSync("npm", args, { cwd: dir, encoding: "utf8", env: userEnv() });
  if (runtime.status !== 0) throw new Error(`npm install ${tarball} failed:\n${runtime.stderr}`);
  const installedBytes = diskBytes(path.join(dir, "node_modules"));
  if (devDependencies.length > 0) {
    const dev = spawnSync("npm", ["install", "--save-dev", "--no-audit", "--no-fund", "--loglevel=error", ...devDependencies], {
      cwd: dir,
      encoding: "utf8",
      env: userEnv(),
    });
    if (dev.status !== 0) throw new Error(`npm install ${devDependencies.join(" ")} failed:\n${dev.stderr}`);
  }
  return { dir, installedBytes };
}

/** Bytes on disk under `dir` (files only), as `du -sb` counts them. */
export function diskBytes(dir: string): number {
  const du = spawnSync("du", ["-sb", dir], { encoding: "utf8" });
  return Number(du.stdout.split("\t")[0]);
}

/** The result of a command run to its end in the user's project. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in the project, as the user's shell would (its node first on PATH), to its end. */
export function runInProject(
  dir: string,
  command: string,
  args: readonly string[],
  timeoutMs = 120_000,
  env: Readonly<Record<string, string>> = {},
): CommandResult {
  const bin = path.join(dir, "node_modules", ".bin", command);
  const file = existsSync(bin) ? bin : command === "node" ? process.execPath : command;
  const r = spawnSync(file, args, { cwd: dir, encoding: "utf8", env: userEnv(env), timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error === undefined ? "" : String(r.error)}` };
}

/** A long-running `proto` command of the installed package (`node_modules/.bin/proto`), e.g. a worker or beat. */
export class InstalledProto {
  private output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly description: string,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  }

  static start(dir: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): InstalledProto {
    const child = spawn(path.join(dir, "node_modules", ".bin", "proto"), args, { cwd: dir, env: userEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    return new InstalledProto(child, `proto ${args.join(" ")}`);
  }

  get log(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`${this.description} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.description} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }
}

/** Reads a JSON document a command printed as its last line. */
export function lastJsonLine<T>(output: string): T {
  const lines = output.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}
