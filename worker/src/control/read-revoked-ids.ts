/**
 * The task ids of a `revoked` value another worker sent in `hello` (argument or reply): Celery 5.7 sends a list of
 * ids; Celery <= 5.6 sends `LimitedSet._data`, `{id: [monotonic stamp, id]}`. Like 5.7's `merge_revoked`, only the
 * ids are kept: the stamps come from another host's monotonic clock.
 */
export function readRevokedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((id): id is string => typeof id === "string");
  if (value !== null && typeof value === "object") return Object.keys(value);
  return [];
}
