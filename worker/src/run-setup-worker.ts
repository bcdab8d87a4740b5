import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { TaskModule } from "./load-task-module.js";
import type { Worker } from "./worker.js";

/**
 * Calls the task module's `setupWorker(worker)` export, if any (or that of a module-shaped `default` export), and
 * awaits it: how a `proto worker -A` module subscribes to the worker's lifecycle events before it starts. Only the
 * main process calls it; process-pool children load the module just to register tasks. Refuses with `InvalidOption`
 * naming `app`, `setupWorker` and `file` when the export is not a function or it throws or rejects.
 */
export async function runSetupWorker(module: TaskModule, file: string, worker: Worker): Promise<void> {
  const setup = module.setupWorker ?? setupOfDefault(module.default);
  if (setup === undefined) return;
  if (typeof setup !== "function") throw new CeleryProtoError("InvalidOption", `app: setupWorker exported by ${file} must be a function (worker) => void`);
  try {
    await setup(worker);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `app: setupWorker(worker) exported by ${file} failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

/** `setupWorker` of a `default` export shaped like a module (with `register` or `tasks`, as `loadTaskModule` reads it). */
function setupOfDefault(value: unknown): TaskModule["setupWorker"] {
  if (typeof value !== "object" || value === null) return undefined;
  const candidate = value as TaskModule;
  const moduleShaped = typeof candidate.register === "function" || (typeof candidate.tasks === "object" && candidate.tasks !== null);
  return moduleShaped ? candidate.setupWorker : undefined;
}
