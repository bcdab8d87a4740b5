import type { TraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { ExecutionOutcome } from "../pool/execution-pool.js";
import type { TaskRequest } from "../request/task-request.js";

/**
 * One `run/<task>` span, from the pool's acceptance (a process pool: its handing the task to a child process) to the
 * end of the outcome's recording.
 */
export interface RunSpan {
  /** Calls `fn` with the span's context active (the handler, in the async pool; the outcome's publishing). */
  within<T>(fn: () => T): T;
  /** The span's context for a process pool's child, whose handler's spans become its children; undefined if invalid. */
  carrier(): TraceCarrier | undefined;
  /** Sets the outcome's attributes and status and ends the span. */
  end(outcome: ExecutionOutcome): void;
}

/** Traces executions. Implemented over `@opentelemetry/api` (`create-otel-run-tracer.ts`), loaded only when tracing is on. */
export interface RunTracer {
  start(task: RegisteredTask, request: TaskRequest): RunSpan;
}
