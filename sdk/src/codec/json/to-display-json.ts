import { applyTypeWrappers } from "./kombu-json.js";
import { stringifyPythonJson } from "./python-json-stringify.js";

/** Pretty JSON for people and tools: rich values as kombu writes them, big integers exact. */
export function toDisplayJson(value: unknown): string {
  return stringifyPythonJson(applyTypeWrappers(value, "kombu5.3"), { indent: 2 });
}
