/** Celery's `maybe_list`: null/undefined → [], a list as is, anything else → [value]. */
export function maybeList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}
