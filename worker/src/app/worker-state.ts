import type { TaskRequest } from "../request/task-request.js";
import { LamportClock } from "./lamport-clock.js";
import { RevokedSet } from "./revoked-set.js";

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

/**
 * The worker's shared runtime state, read by remote-control commands and events (Celery's
 * `celery.worker.state`): held requests, revoked ids, per-task totals, the Lamport clock, start time.
 */
export class WorkerState {
  readonly active = new Map<string, HeldRequest>();
  readonly reserved = new Map<string, HeldRequest>();
  readonly scheduled = new Map<string, HeldRequest & { readonly eta: Date }>();
  readonly revoked = new RevokedSet();
  readonly totals = new Map<string, number>();
  readonly clock = new LamportClock();
  readonly startedAt = Date.now();
  processed = 0;

  countProcessed(taskName: string): void {
    this.processed += 1;
    this.totals.set(taskName, (this.totals.get(taskName) ?? 0) + 1);
  }
}
