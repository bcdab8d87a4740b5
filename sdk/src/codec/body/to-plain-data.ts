import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../json/python-values.js";

/**
 * Reduces Py* values to what msgpack and YAML can carry, as kombu's msgpack/yaml serializers would see them
 * after Python converted them: floats stay numbers, Decimal/UUID/date/time become strings. Dates and bytes
 * pass through (both formats have native forms).
 */
export function toPlainData(value: unknown, format: "msgpack" | "yaml"): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyDecimal || value instanceof PyUuid || value instanceof PyDate || value instanceof PyTime) {
    return value.toString();
  }
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof Uint8Array) {
    if (typeof value === "function" || typeof value === "symbol") {
      throw new CeleryProtoError("EncodeError", `a ${typeof value} cannot be encoded as ${format}`);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toPlainData(v, format));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlainData(v, format);
  return out;
}
