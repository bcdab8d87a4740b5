import type { StandaloneValidator } from "../../../sdk/src/typed/standalone-validator.js";
import type { TaskObservation } from "./observation.js";

/**
 * How a catalog task's outcome differs from its catalog entry (empty: it passed): a state other than SUCCESS (with
 * the exception), or each way the result breaks the task's `result` schema, at its path:
 * `result/mean: must be number, got "2"`.
 */
export function checkCatalogResult(observed: TaskObservation, validateResult: StandaloneValidator): string[] {
  if (observed.error !== undefined || observed.state !== "SUCCESS") {
    const error = observed.error === undefined ? "" : `: ${observed.error.type}: ${observed.error.message}`;
    return [`state: expected SUCCESS, got ${observed.state ?? "no state"}${error}`];
  }
  const value = observed.result === undefined ? null : observed.result;
  if (validateResult(value)) return [];
  return (validateResult.errors ?? []).map((e) => {
    const missing = e.keyword === "required" ? e.params["missingProperty"] : undefined;
    const at = valueAt(value, e.instancePath);
    const got = typeof missing === "string" || at === undefined ? "" : `, got ${describe(at)}`;
    return `result${e.instancePath}: ${e.message ?? e.keyword}${got}`;
  });
}

/** The value at a JSON pointer (`/mean`, `/items/0`), or undefined. */
function valueAt(value: unknown, pointer: string): unknown {
  let at: unknown = value;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
