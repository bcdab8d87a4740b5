import { PythonError } from "./python-error.js";
import { reprString } from "./python-repr.js";

/** Celery's `RATE_MODIFIER_MAP` units. */
const UNITS = new Set(["s", "m", "h"]);
const DIGITS = String.raw`\d(?:_?\d)*`;
/** What Python's `float()` accepts after stripping whitespace. */
const PYTHON_FLOAT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, "i");

/**
 * Validates a rate limit exactly as the `rate_limit` command does by calling Celery's `rate()`
 * (C:celery/utils/time.py): falsy values and non-strings pass; for `"<ops>/<unit>"` an unknown unit raises
 * `KeyError('<unit>')` (which the pidbox turns into an error reply) and a non-number raises
 * `ValueError("could not convert string to float: '<ops>'")` (which the command reports as
 * `Invalid rate limit string: ...`).
 */
export function checkRateLimit(value: unknown): void {
  if (value === null || value === undefined || value === "" || value === 0 || value === false) return;
  if (typeof value !== "string") return;
  const slash = value.indexOf("/");
  const ops = slash === -1 ? value : value.slice(0, slash);
  const unit = slash === -1 ? "" : value.slice(slash + 1);
  if (!UNITS.has(unit === "" ? "s" : unit)) throw new PythonError("KeyError", unit);
  if (!PYTHON_FLOAT.test(ops.trim())) throw new PythonError("ValueError", `could not convert string to float: ${reprString(ops)}`);
}
