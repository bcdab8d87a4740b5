import type { RegisteredTask } from "../app/task-registry.js";
import type { TaskRequest } from "../request/task-request.js";
import type { ExecutionHooks, ExecutionLimits, ExecutionOutcome } from "./execution-pool.js";

/** One `run()` of the process pool, from queued to settled. */
export interface PoolJob {
  /** Sequence number in this pool (billiard's job number, shown in `WorkerLostError` messages). */
  readonly id: number;
  readonly task: RegisteredTask;
  readonly request: TaskRequest;
  /** The request as sent to the child (IPC value). */
  readonly wireRequest: unknown;
  readonly limits: ExecutionLimits;
  readonly hooks: ExecutionHooks;
  readonly resolve: (outcome: ExecutionOutcome) => void;
  /** For pool faults only (the task module cannot be loaded any more); task errors are outcomes. */
  readonly reject: (error: unknown) => void;
  /** `performance.now()` when the child accepted it (time limits run from here); null before. */
  acceptedAt: number | null;
  timers: NodeJS.Timeout[];
  /** What to report when the child exits because the pool killed it (hard time limit, terminate). */
  killOutcome: ExecutionOutcome | null;
  done: boolean;
}
