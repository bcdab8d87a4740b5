// Runs the typed-tasks example (examples/typed) against real brokers: its Python Celery app in a real worker, its
// TypeScript worker (generated stubs) in-process, and helpers to run its Python producer script.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { PythonWorker } from "./python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface TypedExampleEnv {
  readonly brokerUrl: string;
  readonly resultBackend: string;
  /** The Python worker's queue (the service's default queue). */
  readonly pyQueue: string;
  /** Where the Python app lives (PYTHONPATH) and its module name. */
  readonly pythonDir?: string;
  readonly pythonApp?: string;
}

function pythonEnv(env: TypedExampleEnv): Record<string, string> {
  return { CELERY_BROKER_URL: env.brokerUrl, CELERY_RESULT_BACKEND: env.resultBackend, TYPED_PY_QUEUE: env.pyQueue, PYTHONUNBUFFERED: "1" };
}

/** Starts the example's Python Celery worker (real Celery, `celery -A typed_app worker`). */
export function startTypedPythonWorker(env: TypedExampleEnv): Promise<PythonWorker> {
  return PythonWorker.start({
    brokerUrl: env.brokerUrl,
    resultBackend: env.resultBackend,
    queue: env.pyQueue,
    app: env.pythonApp ?? "typed_app",
    pythonPath: env.pythonDir ?? path.join(ROOT, "examples/typed/python"),
    extraEnv: pythonEnv(env),
  });
}

/** Starts a TypeScript worker loading a task module (the example's ts-worker by default) on `queues`. */
export async function startTypedTsWorker(
  brokerUrl: string,
  resultBackend: string,
  queues: readonly string[],
  module = "examples/typed/ts-worker/tasks.ts",
): Promise<{ worker: Worker; log: string[] }> {
  const log: string[] = [];
  const worker = createWorker({
    broker: brokerUrl,
    backend: resultBackend,
    queues,
    concurrency: 2,
    // A uuid, not the time: two workers started in the same millisecond would share a pidbox queue (exclusive on AMQP).
    hostname: `typed-${process.pid}-${randomUUID()}@%h`,
    logger: createCeleryLogger({ level: "INFO", write: (t) => log.push(t) }),
    mingle: false,
    heartbeat: false,
  });
  await loadTaskModule(path.join(ROOT, module), worker.registry);
  await worker.start();
  return { worker, log };
}

/** Runs a Python script of the example (cwd = its folder) and returns stdout; rejects on a non-zero exit. */
export function runTypedPythonScript(
  env: TypedExampleEnv,
  script: string,
  args: readonly string[] = [],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<string> {
  const dir = env.pythonDir ?? path.join(ROOT, "examples/typed/python");
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, ".venv/bin/python"), [path.join(dir, script), ...args], {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: dir, ...pythonEnv(env), ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code}:\n${stderr}`))));
  });
}
