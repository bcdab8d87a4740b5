import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(ROOT, "conformance/python/reference/amqp_reference.py");
const run = promisify(execFile);

/** A value as py-amqp/kombu handed it to Python: `[python type name, value]` (see amqp_reference.py). */
export type Typed = [string, unknown];

/** Whether a venv (`.venv` = Celery 5.7, `.venv-5.3`) is installed. */
export function hasVenv(venv: string): boolean {
  return existsSync(path.join(ROOT, venv, "bin", "python"));
}

/**
 * Runs one command of conformance/python/reference/amqp_reference.py (real kombu / py-amqp / Celery) with a JSON
 * request on stdin, and returns its JSON reply.
 */
export async function runAmqpReference<T>(command: string, request: unknown, venv = ".venv"): Promise<T> {
  const python = path.join(ROOT, venv, "bin", "python");
  const child = run(python, [SCRIPT, command], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  child.child.stdin?.end(JSON.stringify(request));
  try {
    const { stdout } = await child;
    return JSON.parse(stdout) as T;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`amqp_reference.py ${command} (${venv}) failed: ${err.stderr ?? err.message}`);
  }
}

/** A queue/exchange name unique to this test process: `t-amqp-<pid>-<suffix>`. */
export function amqpTestName(suffix: string): string {
  return `t-amqp-${process.pid}-${suffix}`;
}
