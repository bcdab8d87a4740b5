import type { WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { taskEventBase } from "../lifecycle/task-event-base.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder } from "../outcomes/outcome-recorder.js";
import type { ExecutionHooks, ExecutionOutcome, ExecutionPool } from "../pool/execution-pool.js";
import type { RunSpan, RunTracer } from "../tracing/run-tracer.js";
import { deduplicateRedelivery } from "./deduplicate-redelivery.js";
import type { EntryPhase, HeldEntry } from "./held-entry.js";
import { ackEntry } from "./settle-delivery.js";
import { settleOutcome } from "./settle-outcome.js";

export interface RunContext {
  readonly state: WorkerState;
  readonly outcomes: OutcomeRecorder;
  readonly events: EventDispatcher;
  readonly logger: WorkerLogger;
  /** The worker-wide limits (`task_time_limit`, `task_soft_time_limit`) for tasks that set none. */
  readonly defaultLimits?: { readonly hard: number | null; readonly soft: number | null };
  readonly lifecycle?: WorkerEventEmitter;
  /** Tracing on: each execution is a `run/<task>` span, active in the handler and while its outcome is recorded. */
  readonly tracer?: RunTracer | null;
  /** `worker_deduplicate_successful_tasks`: a redelivered acks_late task that already succeeded is not run again. */
  readonly deduplicateSuccessfulTasks?: boolean;
}

/**
 * Executes one reserved request in `pool` and settles it. When the pool accepts it (Celery's `on_accepted`): it
 * becomes active, is counted, is acked unless acks_late, `task-started` goes out and, with `trackStarted`, STARTED is
 * stored. Limits: the message's `timelimit` header over the task's options over the worker's defaults. Argument validation (a task registered
 * from a descriptor) fails the task as the call would in Python. During a cold shutdown nothing is recorded.
 *
 * Resolves once the outcome is recorded and the message's ack (or reject) is sent, without waiting for the broker's
 * answer to it (`entry.settling`): the caller frees the pool slot then. As with Celery's prefork pool, the ack sent
 * on acceptance is not ordered against the stored result; with acks_late the ack is sent only after it.
 */
export async function runEntry(
  ctx: RunContext,
  entry: HeldEntry,
  pool: ExecutionPool,
  terminating: () => boolean,
  setPhase: (phase: EntryPhase) => void,
): Promise<void> {
  const { request, task } = entry;
  entry.pool = pool;
  let span: RunSpan | null = null;
  // A process pool asks for the span's context before the child accepts the task: the span starts then.
  const startSpan = (): RunSpan | null => {
    span ??= ctx.tracer?.start(task, request) ?? null;
    return span;
  };
  const acceptOnly = (): void => {
    setPhase("active");
    entry.held.timeStart = Date.now() / 1000;
    ctx.state.countProcessed(request.name);
    if (!task.options.acksLate) void ackEntry(entry, ctx.logger);
    if (ctx.events.enabled) ctx.events.send("task-started", { uuid: request.id });
  };
  if (ctx.deduplicateSuccessfulTasks === true && (await deduplicateRedelivery(ctx, entry, acceptOnly))) return;
  const accept = (pid: number): void => {
    startSpan();
    acceptOnly();
    const ignoreResult = request.ignoreResult ?? task.options.ignoreResult;
    if (task.options.trackStarted && !ignoreResult) {
      entry.started = ctx.outcomes
        .started(request, task)
        .catch((e: unknown) => ctx.logger.error(`Couldn't store STARTED for ${request.name}[${request.id}]`, e));
    }
    if (ctx.lifecycle?.has("task:started")) ctx.lifecycle.emit("task:started", { ...taskEventBase(entry), pool: pool.implementation, pid });
  };
  let outcome: ExecutionOutcome;
  const invalid = validateArguments(entry);
  if (invalid !== null) {
    accept(process.pid);
    outcome = { kind: "failure", error: invalid, runtimeSeconds: 0 };
  } else {
    const limits = {
      hard: request.timeLimit[0] ?? task.options.timeLimit ?? ctx.defaultLimits?.hard ?? null,
      soft: request.timeLimit[1] ?? task.options.softTimeLimit ?? ctx.defaultLimits?.soft ?? null,
    };
    try {
      const hooks: ExecutionHooks = {
        onAccepted: accept,
        onUpdateState: (state, meta) => ctx.outcomes.updateState(request, state, meta),
      };
      if (ctx.tracer != null) {
        hooks.within = <T>(fn: () => T): T => (span === null ? fn() : span.within(fn));
        hooks.traceCarrier = () => startSpan()?.carrier();
      }
      outcome = await pool.run(task, request, limits, hooks);
    } catch (e) {
      // The pool could not run it at all (closed, spawn failure): a failure of this task, as Celery reports it.
      if (entry.phase !== "active") accept(process.pid);
      outcome = { kind: "failure", error: e, runtimeSeconds: 0 };
    }
  }
  const traced = span as RunSpan | null;
  if (terminating()) return traced?.end(outcome);
  if (traced === null) return settleOutcome(ctx, entry, outcome);
  // Callbacks, chain steps, chord bodies and retries are published under the run span, as Python publishes them
  // before `task_postrun`.
  try {
    await traced.within(() => settleOutcome(ctx, entry, outcome));
  } finally {
    traced.end(outcome);
  }
}

function validateArguments(entry: HeldEntry): unknown {
  if (entry.task.validate === undefined) return null;
  try {
    entry.task.validate(entry.request.args, entry.request.kwargs);
    return null;
  } catch (e) {
    return e;
  }
}
