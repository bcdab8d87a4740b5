import type { RegisteredTask } from "../app/task-registry.js";
import type { HeldRequest } from "../app/worker-state.js";
import type { ExecutionPool } from "../pool/execution-pool.js";
import type { TaskRequest } from "../request/task-request.js";
import type { TrackedDelivery } from "./queue-consumers.js";

/** Where a received request is: waiting for its ETA, for a rate-limit token, for a pool slot, running, or done. */
export type EntryPhase = "scheduled" | "rate-limited" | "reserved" | "active" | "done";

/** One received task message the worker holds until it is settled (Celery's worker `Request`). */
export interface HeldEntry {
  readonly request: TaskRequest;
  readonly task: RegisteredTask;
  readonly delivery: TrackedDelivery;
  /** What `state.active` / `reserved` / `scheduled` show for it. */
  readonly held: HeldRequest;
  phase: EntryPhase;
  /** The pool it runs in, once dispatched. */
  pool: ExecutionPool | null;
  /** Cancels the ETA timer or withdraws it from the rate limiter. */
  cancelWait: (() => void) | null;
  /** `revoke --terminate` arrived before it started: revoke it instead of running it. */
  terminateSignal: string | null;
  /** STARTED is being stored; outcomes wait for it so a slow STARTED never overwrites the final state. */
  started: Promise<void> | null;
  /**
   * The ack or reject sent for it, until the broker answered. The pool slot is freed without waiting for it; the
   * entry is forgotten only once it settled.
   */
  settling: Promise<void> | null;
}
