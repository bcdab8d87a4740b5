import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** One task as `worker_core_client.py` sends it: args/kwargs as kombu JSON text (so rich Python types can be sent). */
export interface ClientCall {
  readonly task: string;
  readonly args?: string;
  readonly kwargs?: string;
  /** `apply_async` options: `countdown`, `expires` (numbers), `eta` (ISO string), `priority`... */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface ClientCommand {
  readonly broker: string;
  readonly backend: string;
  readonly queue: string;
  readonly transport_options?: Readonly<Record<string, unknown>>;
  readonly calls?: readonly ClientCall[];
  readonly ids?: readonly string[];
  readonly timeout?: number;
}

/** What Python's `AsyncResult.get()` returned (`ok`) or raised, per task. */
export type ClientResult =
  | { readonly id: string; readonly state: string; readonly ok: true; readonly value: unknown; readonly done_at: number; readonly sent_at?: number }
  | {
      readonly id: string;
      readonly state: string;
      readonly ok: false;
      readonly exc_type: string;
      readonly exc_module: string;
      readonly exc_str: string;
      /** Python's `repr()` of the exception `get()` raised, e.g. `Exception({'code': 42})`. */
      readonly exc_repr: string;
      /** The `traceback` the worker stored beside the failure (`AsyncResult.traceback`). */
      readonly traceback: string | null;
      readonly sent_at?: number;
    };

export interface SentTask {
  readonly id: string;
  readonly sent_at: number;
}

/**
 * Runs `conformance/python/reference/worker_core_client.py` (real Celery, `.venv`) with a JSON command: `send`
 * publishes with `apply_async`, `get` waits with `AsyncResult.get()`, `call` does both.
 */
export function runCeleryClient(mode: "send", command: ClientCommand, timeoutMs?: number): Promise<SentTask[]>;
export function runCeleryClient(mode: "get" | "call", command: ClientCommand, timeoutMs?: number): Promise<ClientResult[]>;
export function runCeleryClient(mode: "send" | "get" | "call", command: ClientCommand, timeoutMs = 60_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "conformance/python/reference/worker_core_client.py"), mode], {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python") },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`worker_core_client.py ${mode} exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new Error(`worker_core_client.py ${mode} printed no JSON: ${(e as Error).message}\n${out}\n${err}`));
      }
    });
    child.stdin.end(JSON.stringify(command));
  });
}
