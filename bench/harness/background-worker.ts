import { spawn } from "node:child_process";
import { ROOT } from "./bench-paths.js";
import { stopProcessTree } from "./stop-process-tree.js";

/**
 * Runs `fn` while a worker process runs beside it (the round-trip client waits for it itself), then stops the worker.
 * If the worker exits first, its last output is part of the error.
 */
export async function withBackgroundWorker<T>(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  fn: () => Promise<T>,
): Promise<T> {
  const child = spawn(command, [...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (d: string) => (output = (output + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const died = exited.then(() => Promise.reject(new Error(`${command} exited during the measurement:\n${output}`)));
  died.catch(() => undefined);
  try {
    return await Promise.race([fn(), died]);
  } finally {
    await stopProcessTree(child, exited);
  }
}
