import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this test file belongs to. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Absolute path of a repository-relative path. */
export function repoPath(relative: string): string {
  return path.join(REPO_ROOT, ...relative.split("/"));
}

/** Output of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `codegen/src/cli/generate.ts` through tsx with `cwd` as the repository root. */
export function runGenerateCli(cwd: string, args: readonly string[]): Promise<CliRun> {
  return runNode(["--import", import.meta.resolve("tsx"), repoPath("codegen/src/cli/generate.ts"), ...args], cwd);
}

/** Runs plain `node` (no loader hooks, no inherited NODE_OPTIONS) and collects its output. */
export function runNode(args: readonly string[], cwd: string = REPO_ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A throwaway copy of what the generator reads and writes (schemas, buf templates, the committed
 * `sdk/src/gen`), with `node_modules` linked in, so tests can tamper with it freely.
 */
export async function copyRepoForCodegen(): Promise<{ readonly root: string; readonly dispose: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "celery-proto-codegen-test-"));
  for (const relative of ["schemas", "buf.gen.yaml", "buf.yaml", "sdk/src/gen", "examples/typed", "codegen/bin"]) {
    if (await exists(repoPath(relative))) {
      await cp(repoPath(relative), path.join(root, ...relative.split("/")), { recursive: true });
    }
  }
  await symlink(repoPath("node_modules"), path.join(root, "node_modules"), "dir");
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

async function exists(absolutePath: string): Promise<boolean> {
  try {
    await stat(absolutePath);
    return true;
  } catch {
    return false;
  }
}
