import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import { pyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { formatPythonIsoformat } from "../../../sdk/src/codec/time/iso-datetime.js";
import type { RetryOptions } from "../app/task-context.js";
import { MaxRetriesExceededError, Reject, TimeLimitExceeded } from "../errors/task-control-errors.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { taskEventBase } from "../lifecycle/task-event-base.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import { reprException } from "../logging/repr-exception.js";
import { TASK_LOG } from "../logging/task-log-messages.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder } from "../outcomes/outcome-recorder.js";
import type { ExecutionOutcome } from "../pool/execution-pool.js";
import { autoretryOptions, matchesAutoretry } from "./autoretry.js";
import type { HeldEntry } from "./held-entry.js";
import { ackEntry, rejectEntry } from "./settle-delivery.js";

/** Celery's `resultrepr_maxsize`: the `result` of `task-succeeded` and the success log line. */
const RESULT_REPR_MAXSIZE = 1024;

export interface SettleContext {
  readonly outcomes: OutcomeRecorder;
  readonly events: EventDispatcher;
  readonly logger: WorkerLogger;
  readonly lifecycle?: WorkerEventEmitter;
}

/**
 * What the worker does once an execution ended (C:celery/worker/request.py `on_success`/`on_failure`/`on_retry`/
 * `on_timeout`, C:celery/app/trace.py): record the outcome, log it, send its event (and the lifecycle event where the
 * `task-*` event goes out), and settle the message per §5.4 (without acks_late it was acked when the pool accepted it).
 * An ack is sent after what the outcome stores, and not waited for (`ackEntry`).
 */
export async function settleOutcome(ctx: SettleContext, entry: HeldEntry, outcome: ExecutionOutcome): Promise<void> {
  if (entry.started !== null) await entry.started;
  const { request, task } = entry;
  switch (outcome.kind) {
    case "success": {
      const stored = await record(ctx, entry, () => ctx.outcomes.succeeded(request, task, outcome.value, outcome.runtimeSeconds));
      if (!stored) return settleFailureAcks(ctx, entry);
      const logged = ctx.logger.isEnabledFor("INFO");
      if (logged || ctx.events.enabled) {
        const resultRepr = safeRepr(outcome.value, { maxlen: RESULT_REPR_MAXSIZE });
        if (logged) ctx.logger.info(TASK_LOG.succeeded(request.name, request.id, outcome.runtimeSeconds, resultRepr));
        if (ctx.events.enabled) ctx.events.send("task-succeeded", { uuid: request.id, result: resultRepr, runtime: pyFloat(outcome.runtimeSeconds) });
      }
      if (ctx.lifecycle?.has("task:succeeded"))
        ctx.lifecycle.emit("task:succeeded", { ...taskEventBase(entry), result: outcome.value, runtime: outcome.runtimeSeconds });
      if (task.options.acksLate) void ackEntry(entry, ctx.logger);
      return;
    }
    case "failure":
      if (matchesAutoretry(task, outcome.error)) return settleRetry(ctx, entry, autoretryOptions(task, request.retries, outcome.error), outcome.runtimeSeconds);
      return settleFailure(ctx, entry, outcome.error, outcome.runtimeSeconds);
    case "retry":
      return settleRetry(ctx, entry, outcome.options, outcome.runtimeSeconds);
    case "reject": {
      // Celery 5.7 stores FAILURE for Reject(requeue=False) (a task that will never run again, Issue #4222).
      const error = new Reject("", outcome.requeue);
      ctx.logger.warning(TASK_LOG.rejected(request.name, request.id, `Reject(None, ${outcome.requeue ? "True" : "False"})`));
      if (!outcome.requeue && (await record(ctx, entry, () => ctx.outcomes.failed(request, task, error)))) sendFailed(ctx, entry, error, null);
      return rejectEntry(entry, outcome.requeue, ctx.events, ctx.logger, ctx.lifecycle);
    }
    case "ignore":
      ctx.logger.info(TASK_LOG.ignored(request.name, request.id));
      void ackEntry(entry, ctx.logger);
      return;
    case "time-limit": {
      ctx.logger.error(TASK_LOG.hardTimeLimit(outcome.seconds, request.name, request.id));
      const error = new TimeLimitExceeded(outcome.seconds);
      if (await record(ctx, entry, () => ctx.outcomes.failed(request, task, error))) sendFailed(ctx, entry, error, outcome.runtimeSeconds);
      if (!task.options.acksLate) return;
      if (task.options.acksOnFailureOrTimeout) return ackEntry(entry, ctx.logger);
      return rejectEntry(entry, true, ctx.events, ctx.logger, ctx.lifecycle);
    }
    case "worker-lost": {
      if (task.options.acksLate && task.options.rejectOnWorkerLost) {
        // Requeued: it runs again, so no FAILURE and no task-failed.
        return rejectEntry(entry, true, ctx.events, ctx.logger, ctx.lifecycle);
      }
      await settleFailureAcks(ctx, entry);
      if (await record(ctx, entry, () => ctx.outcomes.failed(request, task, outcome.error))) sendFailed(ctx, entry, outcome.error, outcome.runtimeSeconds);
      ctx.logger.error(`Task handler raised error: ${reprException(outcome.error)}`, outcome.error);
      return;
    }
    case "terminated":
      return announceRevoked(ctx, entry, "terminated", outcome.signal);
  }
}

/** Celery's `_announce_revoked`: `task-revoked`, REVOKED stored (`TaskRevokedError(reason)`), then ack. */
export async function announceRevoked(
  ctx: SettleContext,
  entry: HeldEntry,
  reason: "revoked" | "expired" | "terminated",
  signal: string | null = null,
): Promise<void> {
  const { request } = entry;
  const terminated = reason === "terminated";
  const expired = reason === "expired";
  ctx.events.send("task-revoked", { uuid: request.id, terminated, signum: signal, expired });
  await record(ctx, entry, () => ctx.outcomes.revoked(request, reason));
  await ackEntry(entry, ctx.logger);
  if (ctx.lifecycle?.has("task:revoked")) ctx.lifecycle.emit("task:revoked", { ...taskEventBase(entry), terminated, expired, signum: signal });
}

async function settleFailure(ctx: SettleContext, entry: HeldEntry, error: unknown, runtime: number): Promise<void> {
  const { request, task } = entry;
  const stored = await record(ctx, entry, () => ctx.outcomes.failed(request, task, error));
  if (stored) {
    ctx.logger.error(TASK_LOG.failed(request.name, request.id, reprException(error)), error);
    sendFailed(ctx, entry, error, runtime);
  }
  await settleFailureAcks(ctx, entry);
}

/** acks_late after a failure: ack (`acksOnFailureOrTimeout`, the default; not waited for) or reject without requeue. */
async function settleFailureAcks(ctx: SettleContext, entry: HeldEntry): Promise<void> {
  if (!entry.task.options.acksLate) return;
  if (entry.task.options.acksOnFailureOrTimeout) {
    void ackEntry(entry, ctx.logger);
    return;
  }
  return rejectEntry(entry, false, ctx.events, ctx.logger, ctx.lifecycle);
}

async function settleRetry(ctx: SettleContext, entry: HeldEntry, options: RetryOptions, runtime: number): Promise<void> {
  const { request, task } = entry;
  let result: "retried" | "exhausted";
  try {
    result = await ctx.outcomes.retry(request, task, options);
  } catch (e) {
    logInternalError(ctx, entry, e);
    return settleFailureAcks(ctx, entry);
  }
  if (result === "exhausted") {
    // The recorder stored the final failure: the original error, or MaxRetriesExceededError.
    const error =
      options.exc ?? new MaxRetriesExceededError(`Can't retry ${request.task}[${request.id}] args:${request.argsrepr} kwargs:${request.kwargsrepr}`);
    ctx.logger.error(TASK_LOG.failed(request.name, request.id, reprException(error)), error);
    sendFailed(ctx, entry, error, runtime);
    return settleFailureAcks(ctx, entry);
  }
  const reason = describeRetry(options, task.options.defaultRetryDelay);
  ctx.logger.info(TASK_LOG.retry(request.name, request.id, reason));
  const traceback = options.exc === undefined ? null : formatPythonTraceback(options.exc, errorToExceptionInfo(options.exc));
  ctx.events.send("task-retried", {
    uuid: request.id,
    exception: options.exc === undefined ? "None" : reprException(options.exc),
    traceback: traceback ?? "",
  });
  if (ctx.lifecycle?.has("task:retried")) ctx.lifecycle.emit("task:retried", { ...taskEventBase(entry), reason, exception: options.exc ?? null, traceback });
  if (task.options.acksLate) void ackEntry(entry, ctx.logger);
}

/** `str(Retry)`: `Retry in 180s: ValueError('boom')`, or `Retry at <eta>` when an ETA was given. */
export function describeRetry(options: RetryOptions, defaultRetryDelay: number): string {
  const when = options.eta !== undefined ? `at ${formatPythonIsoformat(options.eta).replace("T", " ")}` : `in ${options.countdown ?? defaultRetryDelay}s`;
  return options.exc === undefined ? `Retry ${when}` : `Retry ${when}: ${reprException(options.exc)}`;
}

/** `task-failed` and `task:failed`. `runtime`: seconds the handler ran, null when it did not run to an end it reported. */
function sendFailed(ctx: SettleContext, entry: HeldEntry, error: unknown, runtime: number | null): void {
  const traceback = formatPythonTraceback(error, errorToExceptionInfo(error));
  ctx.events.send("task-failed", { uuid: entry.request.id, exception: reprException(error), traceback });
  if (ctx.lifecycle?.has("task:failed")) ctx.lifecycle.emit("task:failed", { ...taskEventBase(entry), exception: error, traceback, runtime });
}

/** Runs one recorder call; a failure there (backend down) is Celery's "INTERNAL ERROR", logged, never thrown. */
async function record(ctx: SettleContext, entry: HeldEntry, call: () => Promise<void>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (e) {
    logInternalError(ctx, entry, e);
    return false;
  }
}

function logInternalError(ctx: SettleContext, entry: HeldEntry, error: unknown): void {
  ctx.logger.critical(TASK_LOG.internalError(entry.request.name, entry.request.id, reprException(error)), error);
}
