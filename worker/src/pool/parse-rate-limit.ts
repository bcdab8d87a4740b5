import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** Celery's `RATE_MODIFIER_MAP` (C:celery/utils/time.py): the divisor per unit. */
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

const DIGITS = String.raw`\d(?:_?\d)*`;
/** What Python's `float()` accepts (after `strip()`): decimals with `_` between digits, exponents, inf/infinity/nan. */
const PYTHON_FLOAT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, "i");

/**
 * Converts a Celery rate limit to tokens per second, as Celery's `rate()` does: `"10/s"`, `"5/m"`, `"1/h"`, `"2"`
 * (per second), a number (per second), or `""`/`null`/`0` for no limit (returns 0).
 *
 * Deviation: Celery accepts negative and NaN rates and then builds a bucket that never refills (or spins); those are
 * rejected here with an `InvalidOption` error, as are unknown units (Celery: `KeyError`) and non-numbers (`ValueError`).
 */
export function parseRateLimit(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "" || value === 0) return 0;
  if (typeof value === "number") return checkRate(value, value);
  const slash = value.indexOf("/");
  const ops = slash === -1 ? value : value.slice(0, slash);
  const unit = slash === -1 ? "" : value.slice(slash + 1);
  const divisor = SECONDS_PER_UNIT[unit === "" ? "s" : unit];
  if (divisor === undefined) {
    throw new CeleryProtoError("InvalidOption", `rateLimit: unknown unit ${JSON.stringify(unit)} in ${JSON.stringify(value)} (use s, m or h, e.g. "10/m")`);
  }
  const trimmed = ops.trim();
  if (!PYTHON_FLOAT.test(trimmed)) {
    throw new CeleryProtoError("InvalidOption", `rateLimit: ${JSON.stringify(value)} is not a rate (e.g. "10/s", "5/m", "1/h" or a number per second)`);
  }
  return checkRate(parsePythonFloat(trimmed) / divisor, value);
}

function parsePythonFloat(text: string): number {
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower === "inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan" || lower === "-nan") return NaN;
  return Number(text.replace(/_/g, ""));
}

function checkRate(rate: number, original: string | number): number {
  if (Number.isNaN(rate) || rate < 0) {
    throw new CeleryProtoError("InvalidOption", `rateLimit: ${JSON.stringify(original)} must not be negative or NaN`);
  }
  return rate;
}
