import { isPlainRecord } from "./case-field-error.js";

/**
 * How an expected value is compared: `exact` (same keys, same values) or `subset` (keys the expected mapping leaves
 * out are not compared, at every depth). Lists are compared element by element in both modes.
 */
export type CompareMode = "exact" | "subset";

const MATCHERS = new Set(["$type", "$contains", "$any", "$gte", "$lte", "$matches"]);

/**
 * The differences between `expected` and `actual`, each as `<path>: expected <x>, got <y>` (the path is dotted from
 * `path`, with `[i]` for list items). Besides plain values, `expected` may hold matchers (a mapping of only `$` keys):
 * `{$type: string|number|integer|boolean|null|list|mapping}`, `{$contains: <value>}` (a list with an item matching
 * it as a subset), `{$any: true}` (present and not null), `{$gte: n}`, `{$lte: n}`, `{$matches: <regex>}` (a string
 * a JavaScript regular expression finds a match in, unanchored).
 */
export function compareValue(expected: unknown, actual: unknown, path: string, mode: CompareMode): string[] {
  if (isMatcher(expected)) return compareMatcher(expected, actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [mismatch(path, expected, actual)];
    if (expected.length !== actual.length) return [`${path}: expected a list of ${expected.length}, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((item, i) => compareValue(item, actual[i], `${path}[${i}]`, mode));
  }
  if (isPlainRecord(expected)) {
    if (!isPlainRecord(actual)) return [mismatch(path, expected, actual)];
    const out: string[] = [];
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) out.push(`${join(path, key)}: expected ${show(value)}, got nothing (no such field)`);
      else out.push(...compareValue(value, actual[key], join(path, key), mode));
    }
    if (mode === "exact") for (const key of Object.keys(actual)) if (!(key in expected)) out.push(`${join(path, key)}: not expected, got ${show(actual[key])}`);
    return out;
  }
  return sameScalar(expected, actual) ? [] : [mismatch(path, expected, actual)];
}

function isMatcher(value: unknown): value is Record<string, unknown> {
  return isPlainRecord(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => MATCHERS.has(k));
}

function compareMatcher(matcher: Record<string, unknown>, actual: unknown, path: string): string[] {
  const out: string[] = [];
  if ("$any" in matcher && (actual === null || actual === undefined)) out.push(`${path}: expected a value, got ${show(actual)}`);
  if ("$type" in matcher && typeName(actual) !== matcher["$type"] && !(matcher["$type"] === "number" && typeName(actual) === "integer"))
    out.push(`${path}: expected a ${String(matcher["$type"])}, got ${show(actual)}`);
  if ("$gte" in matcher && !(typeof actual === "number" && actual >= Number(matcher["$gte"])))
    out.push(`${path}: expected >= ${show(matcher["$gte"])}, got ${show(actual)}`);
  if ("$lte" in matcher && !(typeof actual === "number" && actual <= Number(matcher["$lte"])))
    out.push(`${path}: expected <= ${show(matcher["$lte"])}, got ${show(actual)}`);
  if ("$matches" in matcher && !(typeof actual === "string" && new RegExp(String(matcher["$matches"])).test(actual)))
    out.push(`${path}: expected a string matching /${String(matcher["$matches"])}/, got ${show(actual)}`);
  if ("$contains" in matcher) {
    const wanted = matcher["$contains"];
    if (!Array.isArray(actual) || !actual.some((item) => compareValue(wanted, item, path, "subset").length === 0))
      out.push(`${path}: expected a list containing ${show(wanted)}, got ${show(actual)}`);
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "object") return "mapping";
  return typeof value;
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  return expected === actual || (typeof expected === "number" && typeof actual === "number" && Number.isNaN(expected) && Number.isNaN(actual));
}

function join(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function mismatch(path: string, expected: unknown, actual: unknown): string {
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

/** A value as messages show it: JSON (bigints as `{"$int": "<digits>"}`, NaN and ±Infinity as strings), `nothing` for undefined, cut at 200 characters. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) =>
        typeof v === "bigint" ? { $int: v.toString() } : typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
