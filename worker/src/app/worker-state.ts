import type { TaskRequest } from "../request/task-request.js";
import { LamportClock } from "./lamport-clock.js";
import { LimitedSet } from "./limited-set.js";

/** A request the worker holds: executing (active), waiting for a slot (reserved), or waiting for its ETA (scheduled). */
export interface HeldRequest {
  readonly request: TaskRequest;
  /** Epoch seconds when execution started, null until then. */
  timeStart: number | null;
  acknowledged: boolean;
  /** Aborts the running handler (`revoke --terminate`). */
  readonly abort: (reason: "terminated" | "shutdown" | "soft-time-limit") => void;
  readonly priority: number | null;
}

/** Bounds of the worker's set of successful task ids (Celery's `SUCCESSFUL_MAX`, `SUCCESSFUL_EXPIRES`). */
export interface SuccessfulRequestsLimits {
  /** `CELERY_WORKER_SUCCESSFUL_MAX`: ids kept at most (0 = no limit). Default 1000. */
  readonly maxlen: number;
  /** `CELERY_WORKER_SUCCESSFUL_EXPIRES`: seconds an id is kept (0 = no limit). Default 10800. */
  readonly expiresSeconds: number;
}

export const DEFAULT_SUCCESSFUL_REQUESTS_LIMITS: SuccessfulRequestsLimits = Object.freeze({ maxlen: 1000, expiresSeconds: 10_800 });

/**
 * The worker's shared runtime state, read by remote-control commands and events (Celery's
 * `celery.worker.state`): held requests, revoked ids, the ids of tasks that succeeded here (`successful_requests`,
 * read by `worker_deduplicate_successful_tasks`), per-task totals, the Lamport clock, start time.
 */
export class WorkerState {
  readonly active = new Map<string, HeldRequest>();
  readonly reserved = new Map<string, HeldRequest>();
  readonly scheduled = new Map<string, HeldRequest & { readonly eta: Date }>();
  readonly revoked = new LimitedSet(50_000, 10_800);
  readonly successful: LimitedSet;
  readonly totals = new Map<string, number>();
  readonly clock = new LamportClock();
  readonly startedAt = Date.now();
  processed = 0;

  constructor(successful: SuccessfulRequestsLimits = DEFAULT_SUCCESSFUL_REQUESTS_LIMITS) {
    this.successful = new LimitedSet(successful.maxlen, successful.expiresSeconds);
  }

  countProcessed(taskName: string): void {
    this.processed += 1;
    this.totals.set(taskName, (this.totals.get(taskName) ?? 0) + 1);
  }
}
