/**
 * The form of a result document its schema check sees. JSON Schema's `number` (and ajv's check) means a finite JS
 * number, but a Python result can be a float JSON has no literal for (`json.dumps` writes `NaN`, `Infinity`,
 * `-Infinity`, and Celery stores them so) or an integer beyond 2^53, which the parser returns as a bigint. Such a
 * `result` is checked as the number 0; only the check sees the stand-in, the decoded value keeps NaN, ±Infinity or
 * the bigint.
 */
export function resultForSchemaCheck(document: unknown): unknown {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return document;
  const result = (document as { readonly result?: unknown }).result;
  const unchecked = typeof result === "bigint" || (typeof result === "number" && !Number.isFinite(result));
  return unchecked ? { ...document, result: 0 } : document;
}
