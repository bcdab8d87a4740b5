import { RemoteTaskError } from "../../../sdk/src/codec/exceptions/remote-task-error.js";

/**
 * A decoded value as plain JSON-like data, for comparison with a case's YAML: a bigint stays a bigint (our reader
 * returns one only beyond 2^53; cases write it `{$int: "<digits>"}`), a group member's error `{type, message}`, other
 * objects their JSON form.
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof RemoteTaskError) return { type: value.excType, message: value.message };
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object" && value !== null) {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === "function") return toPlain(json.call(value));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
