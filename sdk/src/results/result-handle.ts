import type { RemoteTaskError } from "../codec/exceptions/remote-task-error.js";
import type { ResultTuple } from "../gen/json-schema/types.js";
import type { ResultGetOptions } from "./result-get-options.js";

/**
 * What `AsyncResult<T>` and `GroupResult` (a handle of `T[]`) share: members of groups and parents of results.
 * `L` is what `get({propagate: false})` resolves with (the value or the task's error; for a group, an array of those).
 */
export interface ResultHandle<T, L = T | RemoteTaskError> {
  /** The task id, or the group id. */
  readonly id: string;
  /** The result this one followed (an earlier chain step, or the group before it), or null. */
  readonly parent: ResultHandle<unknown> | null;
  /** Waits for the value; see `ResultGetOptions` (rejects with `RemoteTaskError` on FAILURE/REVOKED by default). */
  get(options?: ResultGetOptions & { readonly propagate?: true }): Promise<T>;
  get(options: ResultGetOptions & { readonly propagate: false }): Promise<L>;
  get(options?: ResultGetOptions): Promise<T | L>;
  /** Whether the task (every member) finished: SUCCESS, FAILURE or REVOKED. Never waits. */
  ready(): Promise<boolean>;
  /** Whether the task (every member) succeeded. Never waits. */
  successful(): Promise<boolean>;
  /** Whether the task (any member) failed (FAILURE). Never waits. */
  failed(): Promise<boolean>;
  /** Rejects with the stored error if the task (any member) is FAILURE or REVOKED; resolves otherwise. Never waits. */
  maybeThrow(): Promise<void>;
  /** Deletes the stored result(s). */
  forget(): Promise<void>;
  /** Celery's `as_tuple()`: `[[id, parent tuple | null], null]`, or `[[gid, parent], [member tuples]]` for a group. */
  toTuple(): ResultTuple;
}
