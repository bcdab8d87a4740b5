import type { RemoteTaskError } from "../codec/exceptions/remote-task-error.js";
import { EXCEPTION_STATES } from "../codec/result/decode-result-meta.js";
import { parseIsoDateTime } from "../codec/time/iso-datetime.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta, ResultTuple } from "../gen/json-schema/types.js";
import { isExceptionInfo, metaToError } from "./meta-to-error.js";
import type { ResultApp } from "./result-app.js";
import { resultFromTuple } from "./result-from-tuple.js";
import type { ResultGetOptions } from "./result-get-options.js";
import type { ResultHandle } from "./result-handle.js";
import type { RevokeOptions } from "./revoke-options.js";
import { broadcastRevoke } from "./broadcast-revoke.js";
import { waitWithParents } from "./wait-with-parents.js";
import { isReadyState, PROPAGATE_STATES } from "./task-states.js";
import type { GroupResult } from "./group-result.js";

/**
 * A task's result, read through the app's result backend (Celery's `AsyncResult`). `T` is the task's return type.
 * Every query reads the backend again (nothing is cached here; backends keep ready metas).
 *
 * Values are read as Python wrote them: an integer beyond ±2^53 (`Number.MAX_SAFE_INTEGER`) arrives as an exact
 * `bigint` (smaller ones as `number`), so declare such a result as `number | bigint`; a float `nan`/`inf`/`-inf` is
 * `NaN`/`±Infinity`; kombu's datetime, Decimal, UUID and bytes are `Date`, `PyDecimal`, `PyUuid` and `Uint8Array`.
 */
export class AsyncResult<T = unknown> implements ResultHandle<T> {
  constructor(
    readonly id: string,
    readonly app: ResultApp,
    /** The previous step of a chain (or the group before it), as Celery's `parent`; null when none. */
    readonly parent: ResultHandle<unknown> | null = null,
  ) {
    if (typeof id !== "string" || id === "") throw new CeleryProtoError("InvalidOption", "AsyncResult requires a non-empty task id");
  }

  /** Rebuilds a result from Celery's `as_tuple()` form (`result_from_tuple`): an AsyncResult or a GroupResult. */
  static fromTuple(tuple: ResultTuple, app: ResultApp): AsyncResult<unknown> | GroupResult<unknown> {
    return resultFromTuple(tuple, app);
  }

  /** The stored meta as the backend has it (`{status: "PENDING", result: null, task_id}` when nothing is stored). */
  meta(): Promise<ResultMeta> {
    return this.app.backend.getMeta(this.id);
  }

  /** The state: PENDING, STARTED, RETRY, SUCCESS, FAILURE, REVOKED, or a custom state. */
  async state(): Promise<string> {
    return (await this.meta()).status;
  }

  async ready(): Promise<boolean> {
    return isReadyState(await this.state());
  }

  async successful(): Promise<boolean> {
    return (await this.state()) === "SUCCESS";
  }

  async failed(): Promise<boolean> {
    return (await this.state()) === "FAILURE";
  }

  /**
   * Celery's `result` property, without waiting: the return value (SUCCESS), the `RemoteTaskError` (FAILURE, REVOKED,
   * RETRY), the state's payload otherwise (`{pid, hostname}` for STARTED, custom meta), null for PENDING.
   */
  async result(): Promise<unknown> {
    const meta = await this.meta();
    return EXCEPTION_STATES.has(meta.status) && isExceptionInfo(meta.result) ? metaToError(meta) : meta.result;
  }

  /** The Python traceback of a failed (or retrying) task, else null. */
  async traceback(): Promise<string | null> {
    const tb = (await this.meta()).traceback;
    return typeof tb === "string" ? tb : null;
  }

  /**
   * When the task became ready, or null. Every form Celery writes is read: naive (5.2–5.3, UTC), `+00:00` (5.4),
   * the app timezone's offset (5.5+).
   */
  async dateDone(): Promise<Date | null> {
    const value: unknown = (await this.meta()).date_done;
    if (value instanceof Date) return value;
    return typeof value === "string" && value !== "" ? parseIsoDateTime(value, "date_done").date : null;
  }

  /** The subtasks the task sent (from the meta's `children` tuples), or null when there are none recorded. */
  async children(): Promise<Array<AsyncResult<unknown> | GroupResult<unknown>> | null> {
    const children = (await this.meta()).children;
    if (children === null || children === undefined) return null;
    return children.map((tuple) => resultFromTuple(tuple, this.app));
  }

  get(options?: ResultGetOptions & { readonly propagate?: true }): Promise<T>;
  get(options: ResultGetOptions & { readonly propagate: false }): Promise<T | RemoteTaskError>;
  get(options?: ResultGetOptions): Promise<T | RemoteTaskError>;
  /**
   * Waits until the task is ready (custom and unready states keep it waiting) and resolves with its value decoded
   * from kombu JSON (an integer beyond ±2^53 as a `bigint`: see the class). FAILURE and REVOKED reject with
   * `RemoteTaskError` (`propagate: false` resolves with it instead); a timeout rejects with `CeleryProtoError` code
   * `Timeout`.
   */
  async get(options: ResultGetOptions = {}): Promise<T | RemoteTaskError> {
    const propagate = options.propagate ?? true;
    const parents = propagate && (options.followParents ?? true) ? this.ancestors() : [];
    const meta = await waitWithParents(
      (signal) =>
        this.app.backend.waitForReady(this.id, {
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.onMessage === undefined ? {} : { onMessage: options.onMessage }),
          signal,
        }),
      parents,
      options,
    );
    if (PROPAGATE_STATES.has(meta.status)) {
      const error = metaToError(meta);
      if (propagate) throw error;
      return error;
    }
    return meta.result as T;
  }

  async maybeThrow(): Promise<void> {
    const meta = await this.meta();
    if (PROPAGATE_STATES.has(meta.status)) throw metaToError(meta);
  }

  /** Deletes the stored result of this task and of its parents (Celery's `forget`). */
  async forget(): Promise<void> {
    if (this.parent !== null) await this.parent.forget();
    await this.app.backend.forget(this.id);
  }

  /**
   * Tells every worker to discard the task (`revoke` broadcast `{task_id, terminate, signal}`, as
   * `app.control.revoke(id)` sends it). Needs an app with `broadcast` (a `TaskSender`).
   */
  async revoke(options: RevokeOptions = {}): Promise<void> {
    await broadcastRevoke(this.app, this.id, options);
  }

  toTuple(): ResultTuple {
    return [[this.id, this.parent === null ? null : this.parent.toTuple()], null];
  }

  /** Parents from the root down, as Celery's `_maybe_reraise_parent_error` checks them. */
  private ancestors(): ResultHandle<unknown>[] {
    const out: ResultHandle<unknown>[] = [];
    for (let node = this.parent; node !== null; node = node.parent) out.unshift(node);
    return out;
  }
}
