import { caseFieldError, isPlainRecord } from "./case-field-error.js";

/**
 * `raw` (a case's input or expectations, as YAML parsed it) with every `{$int: "<digits>"}` replaced by a bigint: YAML
 * numbers are doubles, exact only up to 2^53. A bigint is what our client sends as a Python int of any size and what
 * our result reader returns for integers beyond 2^53. `.nan`, `.inf` and `-.inf` are YAML's own floats.
 */
export function decodeCaseValues(raw: unknown, at: string, field: string): unknown {
  if (Array.isArray(raw)) return raw.map((item, i) => decodeCaseValues(item, at, `${field}[${i}]`));
  if (!isPlainRecord(raw)) return raw;
  if ("$int" in raw) {
    const digits = raw["$int"];
    if (Object.keys(raw).length !== 1 || typeof digits !== "string" || !/^-?\d+$/.test(digits))
      throw caseFieldError(at, `${field}.$int`, 'must be alone and a string of decimal digits: {$int: "18446744073709551616"}');
    return BigInt(digits);
  }
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, decodeCaseValues(value, at, `${field}.${key}`)]));
}
