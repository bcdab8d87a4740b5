import { nativeJsonAgrees } from "./native-json-agrees.js";
import { nestsDeeperThan } from "./nests-deeper-than.js";
import type { ParsedJson } from "./parsed-json.js";
import { MAX_JSON_DEPTH, readPythonJson } from "./read-python-json.js";

export type { ParsedJson } from "./parsed-json.js";

/**
 * Parses JSON the way Python's `json.loads` reads it: standard JSON plus `NaN`, `Infinity` and `-Infinity`
 * (which `json.dumps` writes by default), integers of any size (bigint past Number.MAX_SAFE_INTEGER), and
 * objects where a repeated key keeps its first position and its last value. A `__proto__` key is stored as an
 * ordinary property. Errors are `DecodeError`s that name the offset.
 */
export function parsePythonJson(text: string): ParsedJson {
  // JSON.parse is several times faster. Its value is kept where it cannot differ; a text it refuses (NaN, Infinity,
  // malformed) goes to the exact reader, which reads it or throws the error callers expect; so does a text nested
  // deeper than the reader allows, which JSON.parse would take seconds and hundreds of MB to build first.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return readPythonJson(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return readPythonJson(text);
  }
  return nativeJsonAgrees(value) ? (value as ParsedJson) : readPythonJson(text);
}
