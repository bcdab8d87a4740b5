import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { formatPythonIsoformat, parseIsoDateTime } from "../time/iso-datetime.js";
import { mayHoldTypeWrapper } from "./may-hold-type-wrapper.js";
import { parsePythonJson, type ParsedJson } from "./parse-python-json.js";
import { stringifyPythonJson, type PlainJson } from "./python-json-stringify.js";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "./python-values.js";

/**
 * Which kombu the peer runs. kombu >= 5.3 writes and reads `{"__type__", "__value__"}` wrappers for rich types;
 * kombu <= 5.2 writes plain strings and cannot decode wrappers (they'd arrive as dicts).
 */
export type KombuJsonFlavor = "kombu5.3" | "kombu5.2";

/**
 * Values the kombu JSON codec understands, in and out. Integers beyond ±2^53 (`Number.MAX_SAFE_INTEGER`) are read as
 * `bigint` (exact, as Python's int); a `bigint` is written as an exact integer. `NaN`, `Infinity` and `-Infinity` are
 * read and written as Python's json does.
 */
export type KombuValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | PyFloat
  | PyDecimal
  | PyUuid
  | PyDate
  | PyTime
  | readonly KombuValue[]
  | { readonly [key: string]: KombuValue | undefined };

/** Parses kombu JSON text and decodes its type wrappers (datetime → Date, bytes → Uint8Array, ...). */
export function decodeKombuJson(text: string): KombuValue {
  const parsed = parsePythonJson(text);
  return mayHoldTypeWrapper(text) ? decodeTypeWrappers(parsed, "") : parsed;
}

/** Encodes a value as kombu's `json.dumps` would for the given peer flavor (Python's exact text form). */
export function encodeKombuJson(value: unknown, flavor: KombuJsonFlavor = "kombu5.3"): string {
  return stringifyPythonJson(applyTypeWrappers(value, flavor));
}

const WRAPPER_TYPES = new Set(["datetime", "date", "time", "decimal", "uuid", "bytes", "base64"]);

/** Replaces every `{"__type__", "__value__"}` object (exactly those two keys) by the value it stands for. */
export function decodeTypeWrappers(value: ParsedJson, path: string): KombuValue {
  if (Array.isArray(value)) return value.map((item, i) => decodeTypeWrappers(item, `${path}/${i}`));
  if (value === null || typeof value !== "object") return value;
  if (!isPlainRecord(value)) return value as KombuValue;
  const keys = Object.keys(value);
  if (keys.length === 2 && "__type__" in value && "__value__" in value) {
    return decodeWrapper(value["__type__"] ?? null, value["__value__"] ?? null, path);
  }
  const out: { [key: string]: KombuValue } = {};
  for (const key of keys) {
    const decoded = decodeTypeWrappers(value[key] ?? null, `${path}/${escapePointer(key)}`);
    if (key === "__proto__") Object.defineProperty(out, key, { value: decoded, enumerable: true, writable: true });
    else out[key] = decoded;
  }
  return out;
}

function decodeWrapper(type: ParsedJson, raw: ParsedJson, path: string): KombuValue {
  const fail = (reason: string): never => {
    throw new CeleryProtoError("InvalidTypeWrapper", `kombu type wrapper at ${path || "/"}: ${reason}`, {
      details: [{ path, keyword: "__type__", message: reason }],
    });
  };
  if (typeof type !== "string" || !WRAPPER_TYPES.has(type)) {
    // kombu raises ValueError for an unknown __type__; so do we.
    return fail(`unknown __type__ ${typeof type === "bigint" ? type.toString() : JSON.stringify(type)}`);
  }
  if (type === "uuid") {
    const hex = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw["hex"] : raw;
    if (typeof hex !== "string" || !/^[0-9a-fA-F]{32}$/.test(hex.replace(/-/g, ""))) return fail("uuid value needs a 32-digit hex");
    return new PyUuid(hex);
  }
  if (typeof raw !== "string") return fail(`__value__ of a ${type} must be a string`);
  switch (type) {
    case "datetime":
      try {
        return parseIsoDateTime(raw, "datetime").date;
      } catch (e) {
        return fail(CeleryProtoError.from(e).message);
      }
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return fail(`date ${JSON.stringify(raw)} is not YYYY-MM-DD`);
      return new PyDate(raw);
    case "time":
      if (!/^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)?$/.test(raw)) return fail(`time ${JSON.stringify(raw)} is not HH:MM[:SS[.ffffff]]`);
      return new PyTime(raw);
    case "decimal":
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|NaN|sNaN)$/.test(raw)) return fail(`decimal ${JSON.stringify(raw)} is not a number`);
      return new PyDecimal(raw);
    case "bytes":
      return new TextEncoder().encode(raw);
    default: // base64
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) return fail("base64 value is not valid base64");
      return new Uint8Array(Buffer.from(raw, "base64"));
  }
}

/** Turns rich JS values into the JSON shapes kombu writes for `flavor`. */
export function applyTypeWrappers(value: unknown, flavor: KombuJsonFlavor, path = ""): PlainJson {
  return wrapValue(value, flavor, { prefix: path, keys: [], open: [] });
}

/** Keys from the root and the containers around the value (cycles); the pointer is spelled out only for an error. */
interface WalkPath {
  readonly prefix: string;
  readonly keys: (string | number)[];
  readonly open: object[];
}

function pointer(at: WalkPath): string {
  let text = at.prefix;
  for (const key of at.keys) text += `/${typeof key === "number" ? key : escapePointer(key)}`;
  return text;
}

function wrapValue(value: unknown, flavor: KombuJsonFlavor, at: WalkPath): PlainJson {
  if (value === null || typeof value === "boolean" || typeof value === "string" || typeof value === "bigint") return value;
  if (typeof value === "number") return value;
  if (value === undefined) return null;
  if (typeof value !== "object") throw encodeError(pointer(at), `a ${typeof value} cannot be encoded as JSON`);
  if (value instanceof PyFloat) return value;
  if (value instanceof Date) {
    const iso = formatPythonIsoformat(value);
    return flavor === "kombu5.3" ? wrapper("datetime", iso) : iso.replace(/\+00:00$/, "Z");
  }
  if (value instanceof PyDate) {
    return flavor === "kombu5.3" ? wrapper("date", value.iso) : `${value.iso}T00:00:00`;
  }
  if (value instanceof PyTime) return flavor === "kombu5.3" ? wrapper("time", value.iso) : value.iso;
  if (value instanceof PyDecimal) return flavor === "kombu5.3" ? wrapper("decimal", value.value) : value.value;
  if (value instanceof PyUuid) {
    return flavor === "kombu5.3" ? { __type__: "uuid", __value__: { hex: value.hex } } : value.toString();
  }
  if (value instanceof Uint8Array) {
    if (flavor === "kombu5.2") throw encodeError(pointer(at), "bytes cannot be sent to a kombu <= 5.2 peer (no JSON form)");
    const text = decodeUtf8(value);
    return text === null ? wrapper("base64", Buffer.from(value).toString("base64")) : wrapper("bytes", text);
  }
  if (at.open.includes(value)) throw encodeError(pointer(at), "cyclic structure");
  at.open.push(value);
  try {
    if (Array.isArray(value)) {
      // map(), not a loop: holes stay holes, as before.
      return value.map((item: unknown, i: number) => {
        at.keys.push(i);
        const encoded = wrapValue(item, flavor, at);
        at.keys.pop();
        return encoded;
      });
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return wrapValue(toJSON.call(value), flavor, at);
      throw encodeError(
        pointer(at),
        `a ${proto.constructor?.name ?? "class"} instance has no JSON form (plain objects, arrays, Date, Uint8Array and Py* values only)`,
      );
    }
    const record = value as Readonly<Record<string, unknown>>;
    const out: { [key: string]: PlainJson } = {};
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      at.keys.push(key);
      const encoded = wrapValue(item, flavor, at);
      at.keys.pop();
      if (key === "__proto__") Object.defineProperty(out, key, { value: encoded, enumerable: true, writable: true });
      else out[key] = encoded;
    }
    return out;
  } finally {
    at.open.pop();
  }
}

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function wrapper(type: string, value: string): PlainJson {
  return { __type__: type, __value__: value };
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function encodeError(path: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("EncodeError", `cannot encode value at ${path || "/"}: ${reason}`, {
    details: [{ path, keyword: "type", message: reason }],
  });
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
