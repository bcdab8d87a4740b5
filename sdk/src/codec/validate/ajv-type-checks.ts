// The JSON Schema type tests exactly as ajv's generated validators write them, for the hand-written quick checks
// (quick-accepts-*.ts) that must never accept what those validators reject.

/** `type: "object"`. */
export function isSchemaObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `type: "integer"` with `minimum: min` and `maximum: max`. */
export function isSchemaIntegerIn(value: unknown, min: number, max = Number.POSITIVE_INFINITY): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

/** `type: "number"`: finite numbers only (ajv's `strictNumbers`). */
export function isSchemaNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** `type: "string"` with `minLength: 1` (any non-empty string has at least one code point). */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** An optional string property. */
export function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}
