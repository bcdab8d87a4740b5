import { reprException } from "../logging/repr-exception.js";

/**
 * celery-exporter's `hostname` label: the part after the first `@` of the node name (`celery.utils.nodesplit`), so
 * `celery@web1` and `w2@web1` are both `web1`; a name without `@` is kept whole.
 */
export function exporterHostname(nodename: string): string {
  const at = nodename.indexOf("@");
  return at === -1 ? nodename : nodename.slice(at + 1);
}

/**
 * celery-exporter's `exception` label: what its regex `^(\w+)\(` finds in the `task-failed` event's `exception` (the
 * repr this worker sends: `ValueError('boom')` → `ValueError`), else `UnknownException`. Built on failures only.
 */
export function exceptionLabel(error: unknown): string {
  return /^(\w+)\(/.exec(reprException(error))?.[1] ?? "UnknownException";
}
