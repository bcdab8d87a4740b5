import type { RawTaskParts } from "../../../sdk/src/codec/task/raw-task-parts.js";
import type { ErrorCode } from "../../../sdk/src/errors/error-code.js";
import type { RefusalAction } from "../consumer/classify-refusal.js";
import type { TaskRequest } from "../request/task-request.js";

/** What every `task:*` event carries: Celery's `task_id`, `task` (its name here), `args`, `kwargs` and `request`. */
export interface TaskEventBase {
  readonly taskId: string;
  /** The display name (`shadow` or `task`), as in the log lines and `task-*` events. */
  readonly taskName: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly request: TaskRequest;
  /** The queue it was consumed from (the request's `delivery_info` has only the exchange and routing key). */
  readonly queue: string;
}

/** `task_received`: the request was accepted into the worker (not revoked, not expired), before any ETA wait. */
export type TaskReceivedEvent = TaskEventBase;

/** `task_prerun`: the pool accepted the task; its handler runs next (in a child process with the process pool). */
export interface TaskStartedEvent extends TaskEventBase {
  /** `"async"` or `"process"`. */
  readonly pool: string;
  /** The process that runs the handler (the worker's own pid for the async pool). */
  readonly pid: number;
}

/** `task_success` + `task_postrun` (state SUCCESS): the result is stored and the callbacks/chain published. */
export interface TaskSucceededEvent extends TaskEventBase {
  /** The value the handler returned (`retval`). */
  readonly result: unknown;
  /** Seconds the handler ran. */
  readonly runtime: number;
}

/** `task_failure` + `task_postrun` (state FAILURE): FAILURE is stored and errbacks published. */
export interface TaskFailedEvent extends TaskEventBase {
  /** What the handler threw, or the worker's own error: `TimeLimitExceeded`, `WorkerLostError`, `Reject`, `MaxRetriesExceededError`. */
  readonly exception: unknown;
  /** Python-formatted traceback, as stored with the result (`einfo.traceback`). */
  readonly traceback: string;
  /** Seconds the handler ran, when it ran. */
  readonly runtime: number | null;
}

/** `task_retry` + `task_postrun` (state RETRY): the retry message is published. */
export interface TaskRetriedEvent extends TaskEventBase {
  /** `str(Retry)`: `Retry in 5s: ValueError('boom')` (Celery's `reason`). */
  readonly reason: string;
  /** The error the retry is for (`reason.exc`), null when none was given. */
  readonly exception: unknown;
  /** Its Python-formatted traceback (`einfo.traceback`), null without an error. */
  readonly traceback: string | null;
}

/** `task_revoked`: discarded because revoked (by id or stamp) or expired, or stopped by `revoke --terminate`; REVOKED stored. */
export interface TaskRevokedEvent extends TaskEventBase {
  readonly terminated: boolean;
  readonly expired: boolean;
  /** The signal name a terminated task was stopped with (`SIGTERM`...), else null. */
  readonly signum: string | null;
}

/** Celery's `Request.reject` (the `task-rejected` event): `Reject` raised, or a message rejected after a failure, a hard time limit or a lost child. */
export interface TaskRejectedEvent extends TaskEventBase {
  /** Put back on the queue (true) or dropped / dead-lettered (false). */
  readonly requeue: boolean;
}

/** How a refused message was classified: `classifyRefusal`'s actions, plus a task message for an unregistered task. */
export type RefusalKind = RefusalAction | "unknown-task";

/** `task_rejected` / `task_unknown`: a message the worker will not run, already settled (acked or rejected). */
export interface MessageRefusedEvent {
  readonly kind: RefusalKind;
  /** The error code of the reason (`DecodeError`, `ContentDisallowed`, `InvalidHeaders`, `UnknownTask`...). */
  readonly code: ErrorCode;
  /** The reason as logged. */
  readonly reason: string;
  readonly queue: string;
  /** The message as received (Celery's `message`). */
  readonly message: RawTaskParts;
  /** The `id` and `task` headers when the message has them (`task_unknown`'s `id` and `name`). */
  readonly taskId: string | null;
  readonly taskName: string | null;
  /** true: acked (a decode error, so it cannot loop); false: rejected without requeue. */
  readonly acked: boolean;
}

/** `worker_ready`: the consumer is running (Celery's "<hostname> ready." line). */
export interface WorkerReadyEvent {
  readonly hostname: string;
  readonly queues: readonly string[];
  readonly pool: string;
  readonly concurrency: number;
}

/** `worker_shutdown`: the worker has stopped and closed its connections (also after a failed start). */
export interface WorkerShutdownEvent {
  readonly hostname: string;
  /** A cold shutdown (or a failed start); false for a warm one. */
  readonly cold: boolean;
}

/** The broker connection the worker opened was lost; the transport is reconnecting (not for a transport passed in). */
export interface BrokerDisconnectedEvent {
  readonly error: Error | null;
}

/** The broker connection is back after a `broker:disconnected`. */
export type BrokerReconnectedEvent = Readonly<Record<string, never>>;

/** The worker's lifecycle events by name, mirroring Celery's signals (README: "Worker events"). */
export interface WorkerEventMap {
  "task:received": TaskReceivedEvent;
  "task:started": TaskStartedEvent;
  "task:succeeded": TaskSucceededEvent;
  "task:failed": TaskFailedEvent;
  "task:retried": TaskRetriedEvent;
  "task:revoked": TaskRevokedEvent;
  "task:rejected": TaskRejectedEvent;
  "message:refused": MessageRefusedEvent;
  "worker:ready": WorkerReadyEvent;
  "worker:shutdown": WorkerShutdownEvent;
  "broker:disconnected": BrokerDisconnectedEvent;
  "broker:reconnected": BrokerReconnectedEvent;
}

export type WorkerEventName = keyof WorkerEventMap;

/** A listener; what it returns is not awaited (a rejected promise is logged). */
export type WorkerEventListener<E extends WorkerEventName> = (event: WorkerEventMap[E]) => unknown;
