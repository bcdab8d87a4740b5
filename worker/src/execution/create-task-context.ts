import type { RetryOptions, TaskContext } from "../app/task-context.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { TaskRequest } from "../request/task-request.js";
import { RetryRequested } from "./retry-requested.js";

/**
 * The context a handler gets: its request, the abort signal, `retry()` (always throws) and `updateState()`. `signal`
 * is read on first access of `context.signal` (see `startLimitedRun`).
 */
export function createTaskContext(
  task: RegisteredTask,
  request: TaskRequest,
  signal: () => AbortSignal,
  updateState: (state: string, meta: unknown) => Promise<void>,
): TaskContext {
  return {
    request,
    get signal(): AbortSignal {
      return signal();
    },
    retry(options: RetryOptions = {}): never {
      throw new RetryRequested(options, task.options.defaultRetryDelay);
    },
    updateState: (state: string, meta?: unknown) => updateState(state, meta ?? null),
  };
}
