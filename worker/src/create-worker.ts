import { compileWorkerOptions } from "./compile-worker-options.js";
import { Worker } from "./worker.js";
import type { WorkerOptions } from "./worker-options.js";

/**
 * Creates a worker (nothing is connected until `start()`). Options are compiled once: Celery's defaults applied,
 * every option checked (a bad one throws `InvalidOption` naming it), the result frozen.
 *
 *     const worker = createWorker({ broker: "redis://localhost:6379/0", backend: "redis://localhost:6379/1" });
 *     worker.registry.register("tasks.add", ([x, y]: [number, number]) => x + y);
 *     await worker.start();
 *     process.once("SIGTERM", () => void worker.stop());
 */
export function createWorker(options: WorkerOptions = {}): Worker {
  return new Worker(compileWorkerOptions(options));
}
