/** One reason a value failed validation, as data (ajv's shape, reduced to what callers need). */
export interface ValidationIssue {
  /** JSON pointer into the validated value, e.g. `/headers/retries`; `""` for the value itself. */
  readonly path: string;
  /** The rule that failed: a JSON Schema keyword (`type`, `required`, ...) or a codec rule name. */
  readonly keyword: string;
  /** Human-readable reason. */
  readonly message: string;
}
