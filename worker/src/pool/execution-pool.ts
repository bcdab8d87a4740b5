import type { TraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { TaskRequest } from "../request/task-request.js";
import type { RetryOptions } from "../app/task-context.js";

/** How one execution ended. Errors are kept as thrown (the outcome recorder maps them to Celery's exception dict). */
export type ExecutionOutcome =
  | { readonly kind: "success"; readonly value: unknown; readonly runtimeSeconds: number }
  | { readonly kind: "failure"; readonly error: unknown; readonly runtimeSeconds: number }
  | { readonly kind: "retry"; readonly options: RetryOptions & { readonly exc?: unknown }; readonly runtimeSeconds: number }
  | { readonly kind: "reject"; readonly requeue: boolean }
  | { readonly kind: "ignore" }
  /** Hard time limit: the execution was stopped (a process pool kills its child). */
  | { readonly kind: "time-limit"; readonly seconds: number; readonly runtimeSeconds: number }
  /** The process running it died (process pool). */
  | { readonly kind: "worker-lost"; readonly error: Error; readonly runtimeSeconds: number }
  /** Stopped by `revoke --terminate`. */
  | { readonly kind: "terminated"; readonly signal: string };

export interface ExecutionHooks {
  /** Called when the pool accepts the task, right before the handler runs (Celery acks here unless acks_late). */
  onAccepted(pid: number): void;
  /** `context.updateState` from the handler. */
  onUpdateState(state: string, meta: unknown): Promise<void>;
  /** In-process pools call the handler through it (tracing: the `run` span's context is active in the handler). */
  within?<T>(fn: () => T): T;
  /**
   * Process pools call it as they hand the task to a child process (tracing: the `run` span's context, which the child
   * makes the parent of the handler's spans).
   */
  traceCarrier?(): TraceCarrier | undefined;
}

/** Effective limits for one execution: header `timelimit` over the task options. Seconds; null = none. */
export interface ExecutionLimits {
  readonly hard: number | null;
  readonly soft: number | null;
}

/**
 * Where handlers run. The async pool runs them as promises in the worker process; a process pool runs them in
 * child processes so a hard time limit can stop runaway code. Concurrency is the number of simultaneous executions.
 */
export interface ExecutionPool {
  readonly implementation: string;
  readonly concurrency: number;
  /** Child pids (the worker's own pid for in-process pools). */
  pids(): readonly number[];
  run(task: RegisteredTask, request: TaskRequest, limits: ExecutionLimits, hooks: ExecutionHooks): Promise<ExecutionOutcome>;
  /** Stops a running execution (`revoke --terminate`). Returns false when the id is not running here. */
  terminate(taskId: string, signal: string): boolean;
  resize(concurrency: number): void;
  /** Extra `stats` → `pool` fields (prefork's `max-tasks-per-child`, `timeouts`). Optional. */
  info?(): Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}
