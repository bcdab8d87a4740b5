import { applyTypeWrappers } from "../json/kombu-json.js";
import { safeRepr } from "../repr/safe-repr.js";

/**
 * Celery's `ensure_serializable(exc.args, encode)` (C:celery/utils/serialization.py): each exception argument the
 * result serializer can hold stays as it is, any other becomes its repr string, so storing a failure never fails
 * because of what the exception carries. `undefined` is Python's None.
 */
export function ensureSerializableArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => {
    if (arg === undefined) return null;
    try {
      applyTypeWrappers(arg, "kombu5.3");
      return arg;
    } catch {
      return reprOf(arg);
    }
  });
}

function reprOf(value: unknown): string {
  if (typeof value === "symbol") return value.toString();
  const proto =
    typeof value === "object" && value !== null ? (Object.getPrototypeOf(value) as { readonly constructor?: { readonly name?: unknown } } | null) : null;
  if (proto !== null && proto !== Object.prototype && !Array.isArray(value)) {
    const name = typeof proto.constructor?.name === "string" && proto.constructor.name !== "" ? proto.constructor.name : "object";
    return `<${name} object>`;
  }
  return safeRepr(value);
}
