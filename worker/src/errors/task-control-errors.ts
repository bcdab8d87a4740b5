import type { PythonExceptionLike } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";

/**
 * Errors with a Celery meaning. Each maps to the Python exception class Celery stores (`excType`/`excModule`),
 * so a Python client's `AsyncResult.get()` raises the same class it would for a Python worker.
 */
abstract class CeleryTaskError extends Error implements PythonExceptionLike {
  abstract readonly excType: string;
  abstract readonly excModule: string;
  get excArgs(): readonly unknown[] {
    return this.message === "" ? [] : [this.message];
  }
}

/** Raised by `context.retry()`: the worker publishes the retry message and stores RETRY. */
export class Retry extends CeleryTaskError {
  override readonly name = "Retry";
  readonly excType = "Retry";
  readonly excModule = "celery.exceptions";
  constructor(
    message: string,
    readonly when: Date,
    readonly exc?: unknown,
  ) {
    super(message);
  }
}

/** Throw to reject the message (`requeue: true` puts it back); nothing is stored (Celery's `Reject`). */
export class Reject extends CeleryTaskError {
  override readonly name = "Reject";
  readonly excType = "Reject";
  readonly excModule = "celery.exceptions";
  constructor(
    message = "",
    readonly requeue = false,
  ) {
    super(message);
  }
}

/** Throw to ack the message and store nothing (Celery's `Ignore`). */
export class Ignore extends CeleryTaskError {
  override readonly name = "Ignore";
  readonly excType = "Ignore";
  readonly excModule = "celery.exceptions";
}

export class SoftTimeLimitExceeded extends CeleryTaskError {
  override readonly name = "SoftTimeLimitExceeded";
  readonly excType = "SoftTimeLimitExceeded";
  readonly excModule = "billiard.exceptions";
  override get excArgs(): readonly unknown[] {
    return [];
  }
}

export class TimeLimitExceeded extends CeleryTaskError {
  override readonly name = "TimeLimitExceeded";
  readonly excType = "TimeLimitExceeded";
  readonly excModule = "billiard.exceptions";
  constructor(readonly seconds: number) {
    super(String(seconds));
  }
  override get excArgs(): readonly unknown[] {
    return [this.seconds];
  }
}

export class MaxRetriesExceededError extends CeleryTaskError {
  override readonly name = "MaxRetriesExceededError";
  readonly excType = "MaxRetriesExceededError";
  readonly excModule = "celery.exceptions";
}

export class NotRegistered extends CeleryTaskError {
  override readonly name = "NotRegistered";
  readonly excType = "NotRegistered";
  readonly excModule = "celery.exceptions";
}

/** `reason`: "revoked", "expired" or "terminated", as Celery stores it. */
export class TaskRevokedError extends CeleryTaskError {
  override readonly name = "TaskRevokedError";
  readonly excType = "TaskRevokedError";
  readonly excModule = "celery.exceptions";
}

export class WorkerLostError extends CeleryTaskError {
  override readonly name = "WorkerLostError";
  readonly excType = "WorkerLostError";
  readonly excModule = "billiard.exceptions";
}

export class ChordError extends CeleryTaskError {
  override readonly name = "ChordError";
  readonly excType = "ChordError";
  readonly excModule = "celery.exceptions";
}
