import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import { pyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { formatPythonIsoformat } from "../../../sdk/src/codec/time/iso-datetime.js";
import type { RetryOptions } from "../app/task-context.js";
import { MaxRetriesExceededError, Reject, TimeLimitExceeded } from "../errors/task-control-errors.js";
import type { WorkerState } from "../app/worker-state.js";
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
  /** The worker's state: a success adds the id to `state.successful` (Celery's `task_ready`). */
  readonly state?: WorkerState;
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
      // `record` inlined: a closure and an async call per task on the path every successful task takes.
      try {
        await ctx.outcomes.succeeded(request, task, outcome.value, outcome.runtimeSeconds);
      } catch (e) {
        logInternalError(ctx, entry, e);
        return settleFailureAcks(ctx, entry);
      }
      ctx.state?.successful.add(request.id);
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
      if (task.options.acksOnTimeout) return ackEntry(entry, ctx.logger);
      return rejectEntry(entry, true, ctx.events, ctx.logger, ctx.lifecycle);
    }
    case "worker-lost": {
      // C:celery/worker/request.py `on_failure`. retry_on_worker_lost first, while retries are left; then
      // reject_on_worker_lost, with no check of `redelivered`: a message whose every run kills its process comes back
      // for ever (the loop the `reject_on_worker_lost` docs warn of). The error is logged either way.
      let retriesExceeded = false;
      if (task.options.retryOnWorkerLost) {
        retriesExceeded = task.options.maxRetries !== null && request.retries >= task.options.maxRetries;
        if (!retriesExceeded && (await retryWorkerLost(ctx, entry, outcome.error))) return;
      }
      if (task.options.acksLate && task.options.rejectOnWorkerLost && !retriesExceeded) {
        // Requeued: it runs again, so no FAILURE and no task-failed.
        await rejectEntry(entry, true, ctx.events, ctx.logger, ctx.lifecycle);
        ctx.logger.error(TASK_LOG.handlerError(reprException(outcome.error)), outcome.error);
        return;
      }
      await settleFailureAcks(ctx, entry);
      // `mark_as_failure` without a traceback: the stored `traceback` is null, as Celery's.
      const stored = await record(ctx, entry, () => ctx.outcomes.failed(request, task, outcome.error, { traceback: false }));
      if (stored) sendFailed(ctx, entry, outcome.error, outcome.runtimeSeconds);
      ctx.logger.error(TASK_LOG.handlerError(reprException(outcome.error)), outcome.error);
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

/** acks_late after a failure: ack (`acksOnFailure`, the default; not waited for) or reject without requeue. */
async function settleFailureAcks(ctx: SettleContext, entry: HeldEntry): Promise<void> {
  if (!entry.task.options.acksLate) return;
  if (entry.task.options.acksOnFailure) {
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

/**
 * Celery's `Request._retry_worker_lost`: the task sent again after `defaultRetryDelay` (RETRY stored), then ack,
 * `task-retried` and the retry log line. False, with the reason logged, when the retry could not be sent.
 */
async function retryWorkerLost(ctx: SettleContext, entry: HeldEntry, error: Error): Promise<boolean> {
  const { request, task } = entry;
  const options: RetryOptions = { countdown: task.options.defaultRetryDelay, exc: error };
  try {
    // The caller checked maxRetries (null here: never "exhausted").
    await ctx.outcomes.retry(request, task, { ...options, maxRetries: null, outsideTask: true });
  } catch (e) {
    ctx.logger.error(`Failed to retry task ${request.name}[${request.id}] after worker was lost: ${reprException(e)}`, e);
    return false;
  }
  if (task.options.acksLate) void ackEntry(entry, ctx.logger);
  const traceback = formatPythonTraceback(error, errorToExceptionInfo(error));
  ctx.events.send("task-retried", { uuid: request.id, exception: reprException(error), traceback });
  const reason = describeRetry(options, task.options.defaultRetryDelay);
  if (ctx.lifecycle?.has("task:retried")) ctx.lifecycle.emit("task:retried", { ...taskEventBase(entry), reason, exception: error, traceback });
  ctx.logger.info(TASK_LOG.retry(request.name, request.id, reason));
  return true;
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
