/**
 * Per-task options, by Celery's names (TypeScript case) and with Celery's defaults (C:celery/app/task.py).
 * Header values on a message (e.g. `timelimit`) override the time limits, as in Celery.
 */
export interface TaskOptions {
  /** Default 3; null = retry forever. */
  readonly maxRetries?: number | null;
  /** Seconds; default 180. */
  readonly defaultRetryDelay?: number;
  /** Error classes or names (`err.name`) that trigger an automatic retry. Default none. */
  readonly autoretryFor?: ReadonlyArray<string | (new (...args: never[]) => Error)>;
  /** Exponential backoff for autoretry: true = factor 1, or a number factor. Default false. */
  readonly retryBackoff?: boolean | number;
  /** Seconds; default 600. */
  readonly retryBackoffMax?: number;
  /** Full jitter on the backoff. Default true. */
  readonly retryJitter?: boolean;
  /** Ack after the task finished instead of when it starts. Default false. */
  readonly acksLate?: boolean;
  /** With acksLate: requeue when the worker process executing it dies. Default false. */
  readonly rejectOnWorkerLost?: boolean;
  /**
   * When the worker process executing it dies, send it again as `context.retry()` would (after `defaultRetryDelay`,
   * counting towards `maxRetries`; once they run out it fails instead of being requeued). Takes precedence over
   * `rejectOnWorkerLost`, which still applies if the retry cannot be sent. Default false.
   */
  readonly retryOnWorkerLost?: boolean;
  /**
   * With acksLate: ack (true) or reject after a failure (without requeue) or a hard time limit (with requeue). Default
   * true. Celery 5.7 deprecates it for `acksOnFailure` and `acksOnTimeout`, which default to it.
   */
  readonly acksOnFailureOrTimeout?: boolean;
  /** With acksLate: ack (true) or reject without requeue (false) after a failure, a lost pool process included. Default `acksOnFailureOrTimeout`. */
  readonly acksOnFailure?: boolean;
  /** With acksLate: ack (true) or requeue (false) after a hard time limit. Default `acksOnFailureOrTimeout`. */
  readonly acksOnTimeout?: boolean;
  /** Store STARTED `{pid, hostname}` when execution starts. Default false. */
  readonly trackStarted?: boolean;
  /** Store nothing for SUCCESS/RETRY. Default false (the message's `ignore_result` header can also set it). */
  readonly ignoreResult?: boolean;
  /** With ignoreResult, still store failures. Default false. */
  readonly storeErrorsEvenIfIgnored?: boolean;
  /** Celery rate limit string: "10/s", "5/m", "1/h", or a number per second. Default none. */
  readonly rateLimit?: string | number | null;
  /** Hard limit in seconds: the execution is killed. Default none. */
  readonly timeLimit?: number | null;
  /** Soft limit in seconds: the AbortSignal fires and `SoftTimeLimitExceeded` is raised in the task. Default none. */
  readonly softTimeLimit?: number | null;
  /** Result serializer for this task's results. Default the worker's (`json`). */
  readonly serializer?: "json" | "msgpack" | "yaml";
  /** Where the handler runs: "async" (in-process promise) or "process" (child process; needed for hard limits on CPU-bound code). Default: the worker's pool. */
  readonly pool?: "async" | "process";
}

/** Celery's defaults, applied by `compileTaskOptions`. */
export const DEFAULT_TASK_OPTIONS = Object.freeze({
  maxRetries: 3,
  defaultRetryDelay: 180,
  autoretryFor: [] as ReadonlyArray<string | (new (...args: never[]) => Error)>,
  retryBackoff: false as boolean | number,
  retryBackoffMax: 600,
  retryJitter: true,
  acksLate: false,
  rejectOnWorkerLost: false,
  retryOnWorkerLost: false,
  acksOnFailureOrTimeout: true,
  trackStarted: false,
  ignoreResult: false,
  storeErrorsEvenIfIgnored: false,
  rateLimit: null as string | number | null,
  timeLimit: null as number | null,
  softTimeLimit: null as number | null,
});

// Every key of TaskOptions, once: the compiler refuses a missing or an extra one.
const NAMES: { readonly [K in keyof Required<TaskOptions>]: true } = {
  maxRetries: true,
  defaultRetryDelay: true,
  autoretryFor: true,
  retryBackoff: true,
  retryBackoffMax: true,
  retryJitter: true,
  acksLate: true,
  rejectOnWorkerLost: true,
  retryOnWorkerLost: true,
  acksOnFailureOrTimeout: true,
  acksOnFailure: true,
  acksOnTimeout: true,
  trackStarted: true,
  ignoreResult: true,
  storeErrorsEvenIfIgnored: true,
  rateLimit: true,
  timeLimit: true,
  softTimeLimit: true,
  serializer: true,
  pool: true,
};

/** The names `TaskOptions` has: anything else given as a task option is refused. */
export const TASK_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(NAMES));
