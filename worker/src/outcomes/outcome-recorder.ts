import type { TaskRequest } from "../request/task-request.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { RetryOptions } from "../app/task-context.js";

/** What a persistent result backend says about a redelivered request (see `OutcomeRecorder.checkStoredSuccess`). */
export type StoredSuccessCheck =
  /** The backend keeps no state a worker can read back (Celery's `backend.persistent` false: rpc://, none). */
  | { readonly kind: "not-persistent" }
  /** Some other state, or none, is stored. */
  | { readonly kind: "not-succeeded"; readonly state: string }
  /** The backend could not be read (Celery's `BackendGetMetaError`). */
  | { readonly kind: "lookup-failed"; readonly error: unknown }
  /** SUCCESS is stored, and the callbacks and chain step it implies have been dispatched. */
  | { readonly kind: "succeeded" };

/** Who sends a retry (`OutcomeRecorder.retry`). */
export interface RetrySender {
  readonly exc?: unknown;
  /**
   * True when the worker sends it outside any task (a lost pool process: Celery's `Request._retry_worker_lost` runs
   * in the main process), so the message keeps the request's own `parent_id` and `root_id` instead of being filled
   * from the running task. Default false (`context.retry()`, autoretry).
   */
  readonly outsideTask?: boolean;
}

/** How `OutcomeRecorder.failed` stores a failure. */
export interface FailureRecordOptions {
  /**
   * Store the error's formatted Python traceback (default true). False for what the worker process decided rather than
   * the task raised (a lost pool process): Celery's `Request.on_failure` calls `mark_as_failure` without a traceback.
   */
  readonly traceback?: boolean;
}

/**
 * What happens after (or instead of) a task body runs, exactly as Celery's tracer and result backend do it
 * (C:celery/app/trace.py, C:celery/backends/base.py): result storage, callbacks and chain continuation,
 * chain/chord failure propagation, errbacks, chord part return, retry publishing. The consumer calls these; every
 * method resolves once the broker/backend writes are done (so acks_late can ack after).
 */
export interface OutcomeRecorder {
  /** `track_started`: store STARTED `{pid, hostname}`. */
  started(request: TaskRequest, task: RegisteredTask): Promise<void>;
  /** Success: callbacks, then the next chain step, then SUCCESS stored (unless ignored), then chord part return. */
  succeeded(request: TaskRequest, task: RegisteredTask, value: unknown, runtimeSeconds: number): Promise<void>;
  /**
   * Failure: FAILURE stored (if errors are stored), remaining chain ids failed, chord part return, errbacks. With
   * `{traceback: false}` the stored `traceback` is null: a failure the worker found, not one the task raised.
   */
  failed(request: TaskRequest, task: RegisteredTask | null, error: unknown, options?: FailureRecordOptions): Promise<void>;
  /**
   * `context.retry()` / autoretry: decides Retry vs MaxRetriesExceeded. Publishes the retry message (same id,
   * retries+1, eta) and stores RETRY; returns "retried", or "exhausted" after storing the final failure.
   */
  retry(request: TaskRequest, task: RegisteredTask, options: RetryOptions & RetrySender): Promise<"retried" | "exhausted">;
  /**
   * Revoked/expired/terminated: REVOKED stored (TaskRevokedError(reason)), chord part return. `task` (when known)
   * decides whether errors are stored under `ignore_result` (`store_errors_even_if_ignored`).
   */
  revoked(request: TaskRequest, reason: "revoked" | "expired" | "terminated", task?: RegisteredTask | null): Promise<void>;
  /** A custom state from `context.updateState`. */
  updateState(request: TaskRequest, state: string, meta: unknown): Promise<void>;
  /**
   * `worker_deduplicate_successful_tasks` (C:celery/app/trace.py `build_tracer`): the state stored for a redelivered
   * request. When it is SUCCESS, the request's callbacks and next chain step are applied with the stored result,
   * unless the stored `children` show the first run applied them. Rejects only when that dispatch fails. A recorder
   * without it is treated as `not-persistent`.
   */
  checkStoredSuccess?(request: TaskRequest): Promise<StoredSuccessCheck>;
  /** Unknown task name: FAILURE NotRegistered(name) stored for the message's id (no chord handling). */
  notRegistered(request: TaskRequest): Promise<void>;
}
