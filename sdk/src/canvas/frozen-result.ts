import type { ResultTuple } from "../gen/json-schema/types.js";

/**
 * The result tree a frozen or applied canvas promises, before any backend is involved (Celery's frozen
 * `AsyncResult` / `GroupResult` with their `parent` links). `applyAsync` turns it into `AsyncResult`/`GroupResult`.
 */
export type FrozenResult = FrozenTaskResult | FrozenGroupResult;

export interface FrozenTaskResult {
  readonly type: "task";
  readonly id: string;
  /** The step before this one (a chain's previous task, or a chord's header group), or null. */
  parent: FrozenResult | null;
}

export interface FrozenGroupResult {
  readonly type: "group";
  /** The group id. */
  readonly id: string;
  readonly results: FrozenResult[];
  parent: FrozenResult | null;
}

export function frozenTask(id: string): FrozenTaskResult {
  return { type: "task", id, parent: null };
}

export function frozenGroup(id: string, results: FrozenResult[]): FrozenGroupResult {
  return { type: "group", id, results, parent: null };
}

/** The ids from this result up to the root (`[id, parent.id, parent.parent.id, ...]`). */
export function resultLineage(result: FrozenResult): string[] {
  const ids: string[] = [];
  for (let node: FrozenResult | null = result; node !== null; node = node.parent) ids.push(node.id);
  return ids;
}

/** Celery's `as_tuple()`: `[[id, parent tuple | null], null]`, or `[[gid, parent], [member tuples]]` for a group. */
export function frozenResultTuple(result: FrozenResult): ResultTuple {
  const head: [string, ResultTuple | null] = [result.id, result.parent === null ? null : frozenResultTuple(result.parent)];
  return (result.type === "group" ? [head, result.results.map(frozenResultTuple)] : [head, null]) as ResultTuple;
}
