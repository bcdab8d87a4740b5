import type { RemoteTaskError } from "../codec/exceptions/remote-task-error.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultTuple } from "../gen/json-schema/types.js";
import { AsyncResult } from "./async-result.js";
import { broadcastRevoke } from "./broadcast-revoke.js";
import type { ResultApp } from "./result-app.js";
import { resultFromTuple } from "./result-from-tuple.js";
import type { ResultGetOptions } from "./result-get-options.js";
import type { ResultHandle } from "./result-handle.js";
import type { RevokeOptions } from "./revoke-options.js";

/**
 * The results of a group's tasks under the group id (Celery's `GroupResult`). `T` is each member's value type;
 * `get()` resolves with the values in member order.
 */
export class GroupResult<T = unknown> implements ResultHandle<T[], Array<T | RemoteTaskError>> {
  readonly results: readonly ResultHandle<T>[];

  constructor(
    readonly id: string,
    results: readonly ResultHandle<T>[],
    readonly app: ResultApp,
    readonly parent: ResultHandle<unknown> | null = null,
  ) {
    if (typeof id !== "string" || id === "") throw new CeleryProtoError("InvalidOption", "GroupResult requires a non-empty group id");
    this.results = Object.freeze([...results]);
  }

  /** A group of plain task results, typed: `GroupResult.of<number>(gid, ids, app)`. */
  static of<T>(groupId: string, taskIds: readonly string[], app: ResultApp): GroupResult<T> {
    return new GroupResult<T>(
      groupId,
      taskIds.map((id) => new AsyncResult<T>(id, app)),
      app,
    );
  }

  /**
   * Reads a group saved with `save()` (by us or by Python's `GroupResult.save()`), or null when none is stored
   * (Celery's `GroupResult.restore`).
   */
  static async restore<T = unknown>(groupId: string, app: ResultApp): Promise<GroupResult<T> | null> {
    const backend = app.backend;
    if (backend.restoreGroupTuple !== undefined) {
      const tuple = await backend.restoreGroupTuple(groupId);
      if (tuple === null) return null;
      const restored = resultFromTuple(tuple, app);
      if (restored instanceof GroupResult) return restored as GroupResult<T>;
      return new GroupResult<T>(groupId, [restored as ResultHandle<T>], app);
    }
    const ids = await backend.restoreGroup(groupId);
    return ids === null ? null : GroupResult.of<T>(groupId, ids, app);
  }

  get(options?: ResultGetOptions & { readonly propagate?: true }): Promise<T[]>;
  get(options: ResultGetOptions & { readonly propagate: false }): Promise<Array<T | RemoteTaskError>>;
  get(options?: ResultGetOptions): Promise<T[] | Array<T | RemoteTaskError>>;
  /**
   * Waits for every member and resolves with their values in member order. With `propagate` (default) the first
   * member to fail rejects at once, as Celery's `join_native`; `timeoutMs` bounds the whole group.
   */
  async get(options: ResultGetOptions = {}): Promise<T[] | Array<T | RemoteTaskError>> {
    const controller = new AbortController();
    const outer = options.signal;
    if (outer?.aborted === true) throw outer.reason;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    try {
      const memberOptions: ResultGetOptions = { ...options, signal: controller.signal };
      return await Promise.all(this.results.map((r) => r.get(memberOptions) as Promise<T | RemoteTaskError>));
    } finally {
      // Ends the waits of members still pending after a failure (or after all finished: a no-op).
      controller.abort(new CeleryProtoError("Timeout", `group ${this.id} is no longer awaited`));
      outer?.removeEventListener("abort", onOuterAbort);
    }
  }

  /** How many members succeeded (Celery's `completed_count`: "complete" means SUCCESS). */
  async completedCount(): Promise<number> {
    const states = await Promise.all(this.results.map((r) => r.successful()));
    return states.filter(Boolean).length;
  }

  /** Whether every member is ready. */
  async ready(): Promise<boolean> {
    return (await Promise.all(this.results.map((r) => r.ready()))).every(Boolean);
  }

  /** Whether some member is not ready yet (Celery's `waiting`). */
  async waiting(): Promise<boolean> {
    return !(await this.ready());
  }

  async successful(): Promise<boolean> {
    return (await Promise.all(this.results.map((r) => r.successful()))).every(Boolean);
  }

  async failed(): Promise<boolean> {
    return (await Promise.all(this.results.map((r) => r.failed()))).some(Boolean);
  }

  async maybeThrow(): Promise<void> {
    for (const r of this.results) await r.maybeThrow();
  }

  /** Forgets every member's result. */
  async forget(): Promise<void> {
    await Promise.all(this.results.map((r) => r.forget()));
  }

  /**
   * Stores the group under `celery-taskset-meta-<gid>` byte-identical to Python's `GroupResult.save()`, so either
   * side can `restore()` it.
   */
  async save(): Promise<void> {
    const backend = this.app.backend;
    if (backend.saveGroupTuple !== undefined) await backend.saveGroupTuple(this.id, this.toTuple());
    else
      await backend.saveGroup(
        this.id,
        this.results.map((r) => r.id),
      );
  }

  /** Removes the saved group (Celery's `GroupResult.delete`). */
  async delete(): Promise<void> {
    const backend = this.app.backend;
    if (backend.deleteGroup === undefined) throw new CeleryProtoError("InvalidOption", `the ${backend.kind} result backend cannot delete groups`);
    await backend.deleteGroup(this.id);
  }

  /** Revokes every member: one `revoke` broadcast with the list of ids (as Celery's `ResultSet.revoke`). */
  async revoke(options: RevokeOptions = {}): Promise<void> {
    await broadcastRevoke(
      this.app,
      this.results.map((r) => r.id),
      options,
    );
  }

  toTuple(): ResultTuple {
    return [[this.id, this.parent === null ? null : this.parent.toTuple()], this.results.map((r) => r.toTuple())];
  }
}
