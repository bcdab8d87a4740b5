import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../../../sdk/src/codec/json/python-values.js";

/** Key of the tagged objects standing for Py* values on the IPC channel. */
const TAG = "\u0000celery-proto:py";

type PyKind = "PyFloat" | "PyDecimal" | "PyUuid" | "PyDate" | "PyTime";

/**
 * Prepares a task value (args, kwargs, results, meta) for the process pool's IPC channel, which uses Node's
 * "advanced" (structured clone) serialization: Date, Uint8Array, bigint, NaN/±Infinity, -0 and undefined cross it
 * unchanged, and shared references stay shared. Python values (PyFloat, PyDecimal, PyUuid, PyDate, PyTime) become
 * tagged objects that {@link fromIpcValue} turns back into the same classes.
 *
 * Values kombu's JSON encoder would refuse are refused here with the same rule — so a handler gets the same
 * `EncodeError` in a child process as in process: other class instances use their `toJSON()` or fail, functions,
 * symbols and cycles fail. (Lossless where kombu JSON text is not: `PyFloat(1)` and `5n` would come back as `1`/`5`.)
 */
export function toIpcValue(value: unknown): unknown {
  return encode(value, "", new Map(), new Set());
}

/** Reverses {@link toIpcValue} on the receiving side (in place: pass the value as received). */
export function fromIpcValue(value: unknown): unknown {
  return decode(value, new Set());
}

function encode(value: unknown, path: string, done: Map<object, unknown>, active: Set<object>): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case "boolean":
    case "number":
    case "bigint":
    case "string":
      return value;
    case "object":
      break;
    default:
      throw encodeError(path, `a ${typeof value} cannot be sent to or from a pool process`);
  }
  if (value instanceof Date || value instanceof Uint8Array) return value;
  const py = pyKind(value);
  if (py !== null) return { [TAG]: py, value: py === "PyFloat" ? (value as PyFloat).value : String(value) };
  const cached = done.get(value);
  if (cached !== undefined) return cached;
  if (active.has(value)) throw encodeError(path, "cyclic structure");
  active.add(value);
  try {
    let out: unknown;
    if (Array.isArray(value)) {
      out = value.map((item: unknown, i) => encode(item, `${path}/${i}`, done, active));
    } else {
      const proto = Object.getPrototypeOf(value) as object | null;
      if (proto !== Object.prototype && proto !== null) {
        const toJSON = (value as { toJSON?: unknown }).toJSON;
        if (typeof toJSON !== "function") {
          throw encodeError(
            path,
            `a ${proto.constructor?.name ?? "class"} instance has no JSON form (plain objects, arrays, Date, Uint8Array and Py* values only)`,
          );
        }
        out = encode(toJSON.call(value), path, done, active);
      } else {
        if (Object.hasOwn(value, TAG)) throw encodeError(path, "reserved key");
        const record: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          const encoded = encode(item, `${path}/${key}`, done, active);
          if (key === "__proto__") Object.defineProperty(record, key, { value: encoded, enumerable: true, writable: true, configurable: true });
          else record[key] = encoded;
        }
        out = record;
      }
    }
    done.set(value, out);
    return out;
  } finally {
    active.delete(value);
  }
}

/** Restores tagged values in place: the received value is a fresh structured clone that nothing else holds. */
function decode(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof Uint8Array) return value;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) return fromTagged(record[TAG], record["value"]);
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i], seen);
    return value;
  }
  for (const key of Object.keys(record)) {
    const decoded = decode(record[key], seen);
    if (key === "__proto__") Object.defineProperty(record, key, { value: decoded, enumerable: true, writable: true, configurable: true });
    else record[key] = decoded;
  }
  return value;
}

function pyKind(value: object): PyKind | null {
  if (value instanceof PyFloat) return "PyFloat";
  if (value instanceof PyDecimal) return "PyDecimal";
  if (value instanceof PyUuid) return "PyUuid";
  if (value instanceof PyDate) return "PyDate";
  if (value instanceof PyTime) return "PyTime";
  return null;
}

function fromTagged(kind: unknown, raw: unknown): unknown {
  switch (kind) {
    case "PyFloat":
      return new PyFloat(Number(raw));
    case "PyDecimal":
      return new PyDecimal(String(raw));
    case "PyUuid":
      return new PyUuid(String(raw));
    case "PyDate":
      return new PyDate(String(raw));
    case "PyTime":
      return new PyTime(String(raw));
    default:
      throw new CeleryProtoError("InvalidMessage", `pool IPC: unknown tagged value ${JSON.stringify(kind)}`);
  }
}

function encodeError(path: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("EncodeError", `cannot encode value at ${path || "/"}: ${reason}`, {
    details: [{ path, keyword: "type", message: reason }],
  });
}
