import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** One `apply_async` call of `sent_event_producer.py`. */
export interface ProducerCall {
  readonly task: string;
  readonly args?: readonly unknown[];
  readonly options?: { readonly expires?: number };
}

/** The monitoring parity tests' tasks, sent in this order by both producers: an expired task first (while the worker is idle, so RabbitMQ's TTL 0 still delivers it). */
export const PARITY_CALLS: readonly ProducerCall[] = [
  { task: "conformance.add", args: [1, 1], options: { expires: -5 } },
  { task: "conformance.add", args: [1, 2] },
  { task: "conformance.add", args: [3, 4] },
  { task: "conformance.mul", args: [3, 4] },
  { task: "conformance.fail", args: ["boom"] },
  { task: "conformance.retry_once" },
  { task: "conformance.not_registered_here", args: [1] },
];

/**
 * Runs `conformance/python/reference/sent_event_producer.py` (Celery 5.7, `.venv`, `task_send_sent_event` on): sends the
 * calls to `queue`; resolves with the nodename its `task-sent` events carry and the task ids.
 */
export function runSentEventProducer(command: {
  readonly broker: string;
  readonly backend: string;
  readonly queue: string;
  readonly calls: readonly ProducerCall[];
}): Promise<{ nodename: string; ids: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "conformance/python/reference/sent_event_producer.py")], {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python") },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`sent_event_producer.py exited ${code}:\n${err}`));
      resolve(JSON.parse(out) as { nodename: string; ids: string[] });
    });
    child.stdin.end(JSON.stringify(command));
  });
}
