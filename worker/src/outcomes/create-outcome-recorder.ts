import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import { PyTuple, safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { formatPythonIsoformat } from "../../../sdk/src/codec/time/iso-datetime.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { RetryOptions } from "../app/task-context.js";
import type { RegisteredTask } from "../app/task-registry.js";
import { MaxRetriesExceededError, NotRegistered, Reject, Retry, TaskRevokedError } from "../errors/task-control-errors.js";
import type { TaskRequest } from "../request/task-request.js";
import { buildRetryMessage } from "./build-retry-message.js";
import { callTaskErrbacks } from "./call-task-errbacks.js";
import { createParentTaskSender } from "./create-parent-task-sender.js";
import { dispatchCallbacksAndChain } from "./dispatch-callbacks-and-chain.js";
import { failChain } from "./fail-chain.js";
import { formatExceptionRepr } from "./format-exception-repr.js";
import type { FailureRecordOptions, OutcomeRecorder, RetrySender, StoredSuccessCheck } from "./outcome-recorder.js";
import { compileOutcomeRecorderOptions, type CompiledOutcomeRecorderOptions, type OutcomeRecorderOptions } from "./outcome-recorder-options.js";
import { prepareFailure, prepareResult, prepareValue } from "./prepare-result.js";
import { createUnknownTaskContext, createRequestContext } from "./result-context.js";

/** kombu's `EncodeError`: a result (or callback argument) the serializer cannot hold; stored as a FAILURE, as in Celery. */
class KombuEncodeError extends Error {
  override readonly name = "EncodeError";
  readonly excType = "EncodeError";
  readonly excModule = "kombu.exceptions";
}

/**
 * The `OutcomeRecorder` with Celery 5.7's tracer and backend semantics (C:celery/app/trace.py `build_tracer`,
 * C:celery/backends/base.py `mark_as_*`, C:celery/app/task.py `retry`). Everything the outcome publishes goes
 * through `sender` as Celery's `send_task` does from inside the task (missing `parent_id`/`root_id` filled from it).
 */
export class CeleryOutcomeRecorder implements OutcomeRecorder {
  readonly options: CompiledOutcomeRecorderOptions;

  constructor(options: OutcomeRecorderOptions) {
    this.options = compileOutcomeRecorderOptions(options);
  }

  async started(request: TaskRequest, task: RegisteredTask): Promise<void> {
    if (effectiveIgnoreResult(request, task)) return;
    const result = { pid: this.options.pid, hostname: this.options.hostname ?? request.hostname };
    await this.options.store.storeResult({
      taskId: request.id,
      state: "STARTED",
      result,
      traceback: null,
      context: createRequestContext(request),
      children: [],
    });
  }

  async succeeded(request: TaskRequest, task: RegisteredTask, value: unknown, _runtimeSeconds: number): Promise<void> {
    const { store } = this.options;
    try {
      // Callbacks and the next chain step are applied before the result is stored, so `children` lists them. Most
      // tasks have neither: no sender and no dispatch for them (the sender is a stateless wrapper, made where used).
      const retval = value === undefined ? null : value; // a handler that returns nothing returned Python's None
      const children =
        (request.callbacks?.length ?? 0) === 0 && (request.chain?.length ?? 0) === 0
          ? []
          : await dispatchCallbacksAndChain(this.senderFor(request), retval, request.callbacks, request.chain, {
              parentId: request.id,
              rootId: request.rootId || request.id,
              priority: this.inheritedPriority(request),
            });
      const result = prepareValue(value);
      const storeResult = !effectiveIgnoreResult(request, task);
      // Nothing to store (ignore_result, no chord) is the common case: no request context made for it.
      if (!storeResult && request.chord === null) return;
      const context = createRequestContext(request);
      if (storeResult) await store.storeResult({ taskId: request.id, state: "SUCCESS", result, traceback: null, context, children });
      if (request.chord !== null) await store.onChordPartReturn(context, "SUCCESS", result, this.senderFor(request));
    } catch (error) {
      if (!CeleryProtoError.is(error) || error.code !== "EncodeError") throw error;
      await this.failed(request, task, new KombuEncodeError(error.message));
    }
  }

  async failed(request: TaskRequest, task: RegisteredTask | null, error: unknown, options: FailureRecordOptions = {}): Promise<void> {
    const { store } = this.options;
    const sender = this.senderFor(request);
    const context = createRequestContext(request);
    const storeErrors = errorsStored(request, task);
    const prepared = prepareFailure(error);
    const { info } = prepared;
    const traceback = options.traceback === false ? null : prepared.traceback;
    if (storeErrors) await store.storeResult({ taskId: request.id, state: "FAILURE", result: info, traceback, context, children: [] });
    if (request.chord !== null) await store.onChordPartReturn(context, "FAILURE", info, sender);
    await failChain(request.chain, { state: "FAILURE", info, traceback, storeResult: storeErrors }, store, sender);
    await callTaskErrbacks(sender, request.errbacks, request.id, request.rootId);
  }

  async retry(request: TaskRequest, task: RegisteredTask, options: RetryOptions & RetrySender): Promise<"retried" | "exhausted"> {
    const retries = request.retries + 1;
    const maxRetries = options.maxRetries ?? task.options.maxRetries;
    const outsideTask = options.outsideTask === true;
    const message = buildRetryMessage(request, task, options, effectiveIgnoreResult(request, task), outsideTask);
    if (maxRetries !== null && retries > maxRetries) {
      const args = safeRepr(new PyTuple(message.args), { maxlevels: 1000 });
      const kwargs = safeRepr(message.kwargs, { maxlevels: 1000 });
      const exc = options.exc ?? new MaxRetriesExceededError(`Can't retry ${task.name}[${request.id}] args:${args} kwargs:${kwargs}`);
      await this.failed(request, task, exc);
      return "exhausted";
    }
    let retryId: string;
    try {
      const sender = outsideTask ? this.options.sender : this.senderFor(request);
      retryId = await sender.sendTask(request.task, message.args, message.kwargs, message.options);
    } catch (error) {
      // Celery: a retry that cannot be published becomes Reject(requeue=False).
      throw new Reject(error instanceof Error ? error.message : String(error), false);
    }
    if (!errorsStored(request, task)) return "retried";
    const exc = options.exc;
    const excInfo = exc === undefined || exc === null ? null : errorToExceptionInfo(exc);
    const when = options.eta ?? null;
    const countdown = options.countdown ?? task.options.defaultRetryDelay;
    const humanized = when === null ? `in ${countdown}s` : `at ${formatPythonIsoformat(when).replace("T", " ")}`;
    const retryError = new Retry(
      `Retry ${humanized}${excInfo === null ? "" : `: ${formatExceptionRepr(excInfo)}`}`,
      when ?? new Date(Date.now() + countdown * 1000),
      exc,
    );
    await this.options.store.storeResult({
      taskId: request.id,
      state: "RETRY",
      result: excInfo,
      traceback: formatPythonTraceback(retryError, errorToExceptionInfo(retryError)),
      context: createRequestContext(request),
      children: [[[retryId, null], null]],
    });
    return "retried";
  }

  async revoked(request: TaskRequest, reason: "revoked" | "expired" | "terminated", task: RegisteredTask | null = null): Promise<void> {
    const { store } = this.options;
    const context = createRequestContext(request);
    const info = errorToExceptionInfo(new TaskRevokedError(reason));
    if (errorsStored(request, task)) await store.storeResult({ taskId: request.id, state: "REVOKED", result: info, traceback: null, context, children: [] });
    if (request.chord !== null) await store.onChordPartReturn(context, "REVOKED", info, this.senderFor(request));
  }

  async updateState(request: TaskRequest, state: string, meta: unknown): Promise<void> {
    await this.options.store.storeResult({
      taskId: request.id,
      state,
      result: prepareResult(state, meta),
      traceback: null,
      context: createRequestContext(request),
      children: [],
    });
  }

  async checkStoredSuccess(request: TaskRequest): Promise<StoredSuccessCheck> {
    const { store } = this.options;
    if (store.persistent !== true) return { kind: "not-persistent" };
    let meta: { readonly status: string; readonly result?: unknown; readonly children?: readonly unknown[] | null };
    try {
      // A store that cannot read states back sees PENDING, as Celery's RPC backend does.
      meta = store.getMeta === undefined ? { status: "PENDING" } : await store.getMeta(request.id);
    } catch (error) {
      return { kind: "lookup-failed", error };
    }
    if (meta.status !== "SUCCESS") return { kind: "not-succeeded", state: meta.status };
    const alreadyApplied = meta.children !== undefined && meta.children !== null && meta.children.length > 0;
    const hasFollowUps = (request.callbacks?.length ?? 0) > 0 || (request.chain?.length ?? 0) > 0;
    if (hasFollowUps && !alreadyApplied) {
      await dispatchCallbacksAndChain(this.senderFor(request), meta.result ?? null, request.callbacks, request.chain, {
        parentId: request.id,
        rootId: request.rootId || request.id,
        priority: this.inheritedPriority(request),
      });
    }
    return { kind: "succeeded" };
  }

  async notRegistered(request: TaskRequest): Promise<void> {
    const info = errorToExceptionInfo(new NotRegistered(request.task));
    await this.options.store.storeResult({
      taskId: request.id,
      state: "FAILURE",
      result: info,
      traceback: null,
      context: createUnknownTaskContext(request),
      children: [],
    });
  }

  /** The sender as seen from inside the running task (Celery's `current_worker_task`). */
  private senderFor(request: TaskRequest): TaskSender {
    return createParentTaskSender(this.options.sender, { id: request.id, rootId: request.rootId, inheritedPriority: this.inheritedPriority(request) });
  }

  private inheritedPriority(request: TaskRequest): number | null {
    return this.options.inheritParentPriority ? (request.deliveryInfo?.priority ?? null) : null;
  }
}

/** Celery's `get_actual_ignore_result`: the message's `ignore_result` header when set, else the task option. */
function effectiveIgnoreResult(request: TaskRequest, task: RegisteredTask | null): boolean {
  return request.ignoreResult ?? task?.options.ignoreResult ?? false;
}

/** `handle_error_state`: errors are stored unless the result is ignored, then only with `store_errors_even_if_ignored`. */
function errorsStored(request: TaskRequest, task: RegisteredTask | null): boolean {
  return effectiveIgnoreResult(request, task) ? (task?.options.storeErrorsEvenIfIgnored ?? false) : true;
}

/** The worker's outcome recorder (see `OutcomeRecorderOptions`). */
export function createOutcomeRecorder(options: OutcomeRecorderOptions): OutcomeRecorder {
  return new CeleryOutcomeRecorder(options);
}
