import type { ResultMeta } from "../gen/json-schema/types.js";

/** Options of `AsyncResult.get()` and `GroupResult.get()` (Celery's `get(timeout, propagate, ...)`). */
export interface ResultGetOptions {
  /** Give up after this many milliseconds, rejecting with `CeleryProtoError` code `Timeout`. Default: wait forever. */
  readonly timeoutMs?: number;
  /**
   * `true`: a FAILURE or REVOKED task rejects with its `RemoteTaskError`. `false`: the error is returned as the value
   * (Celery returns the exception instance). Default `true`.
   */
  readonly propagate?: boolean;
  /**
   * With `propagate`, also reject when a parent (an earlier chain step) failed, checked before waiting and every
   * `intervalMs` while waiting, as Celery's `follow_parents`. Default `true`.
   */
  readonly followParents?: boolean;
  /** How often parents are checked while waiting (Celery's `interval`, 0.5 s). Default `500`. */
  readonly intervalMs?: number;
  /** Aborting rejects with the signal's reason. Default: none. */
  readonly signal?: AbortSignal;
  /** Called with every state received while waiting (STARTED, RETRY, custom states, then the ready one). Default: none. */
  readonly onMessage?: (meta: ResultMeta) => void;
}
