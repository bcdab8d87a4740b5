import { MAX_JSON_DEPTH } from "./read-python-json.js";

/**
 * Whether `value`, which `JSON.parse(text)` returned, is exactly what `readPythonJson(text)` returns. Where both
 * accept a text they build the same values (the same number conversion, escapes and lone surrogates; a repeated key
 * keeps its first position and last value; `__proto__` is an own property) except in two cases, which this walk
 * rules out (answering false also for some values where they would agree, never the reverse):
 * - an integer literal beyond ±2^53, a bigint for `readPythonJson`: `JSON.parse` rounds it to an integral number
 *   outside the safe range, so any such number answers false (`1e300` too);
 * - nesting deeper than `MAX_JSON_DEPTH`, which `readPythonJson` refuses: a container that deep answers false.
 * `NaN`, `Infinity` and malformed texts need no check: `JSON.parse` throws on them.
 */
export function nativeJsonAgrees(value: unknown, depth = 0): boolean {
  if (typeof value === "number") return Number.isSafeInteger(value) || !Number.isInteger(value);
  if (typeof value !== "object" || value === null) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!nativeJsonAgrees(value[i], depth + 1)) return false;
    return true;
  }
  for (const key in value) if (!nativeJsonAgrees((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
