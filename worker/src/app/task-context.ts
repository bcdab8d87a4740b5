import type { TaskRequest } from "../request/task-request.js";

/** Options of `context.retry()`: Celery's `Task.retry(...)` by TypeScript names. */
export interface RetryOptions {
  /** Seconds until the retry runs. Default: the task's `defaultRetryDelay` (180). */
  readonly countdown?: number;
  readonly eta?: Date;
  /** The error that caused the retry; stored as the RETRY result and re-thrown when retries are exhausted. */
  readonly exc?: unknown;
  /** Overrides the task's `maxRetries` for this call. */
  readonly maxRetries?: number | null;
  /** Replacement args/kwargs for the retry message (default: the current ones). */
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly queue?: string;
  readonly priority?: number;
}

/** What a handler gets besides its arguments. */
export interface TaskContext {
  /** Celery's `self.request`. */
  readonly request: TaskRequest;
  /** Aborted on the soft time limit, on `revoke --terminate`, and on cold shutdown. */
  readonly signal: AbortSignal;
  /** Celery's `self.retry(...)`: always throws (a `Retry` to let the worker publish the retry, or the final error). */
  retry(options?: RetryOptions): never;
  /** Celery's `self.update_state(state=..., meta=...)`: stores a custom state for this task now. */
  updateState(state: string, meta?: unknown): Promise<void>;
}
