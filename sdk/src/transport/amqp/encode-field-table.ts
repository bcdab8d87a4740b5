import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyDecimal, PyFloat } from "../../codec/json/python-values.js";
import { PyTuple } from "../../codec/repr/safe-repr.js";

/**
 * A value as amqplib's table encoder takes it: plain values, or its `{"!": type, value}` trapdoor that fixes the
 * AMQP field type.
 */
export type AmqplibFieldValue =
  | null
  | boolean
  | string
  | Buffer
  | readonly AmqplibFieldValue[]
  | { readonly "!": "int" | "long" | "double" | "timestamp"; readonly value: number | bigint }
  | { readonly "!": "decimal"; readonly value: { readonly places: number; readonly digits: number } }
  | AmqplibFieldTable;

export interface AmqplibFieldTable {
  readonly [key: string]: AmqplibFieldValue;
}

const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_DEPTH = 100;

/**
 * Converts a header (or `arguments`) table into what amqplib must write so that py-amqp reads back the Python
 * values Celery means, with the field types py-amqp itself writes (A:amqp/serialization.py `_write_item`):
 * - safe integers and bigints within ±(2^31-1) → `I`; otherwise within int64 → `l` (py-amqp writes `L`, which
 *   amqplib and RabbitMQ's own clients cannot read; both are signed 64-bit and py-amqp reads both as int);
 * - other numbers (fractions, non-finite, -0, integral beyond 2^53) and {@link PyFloat} → `d` (Python float), as the
 *   codec's JSON writer treats them;
 * - `null` → `V` (None); booleans → `t`; strings → `S`; arrays and `PyTuple` → `A` (list);
 *   plain objects → `F` (dict); `Uint8Array` → `x` (bytes); `Date` → `T` (whole seconds, as py-amqp writes
 *   datetimes); {@link PyDecimal} → `D` (py-amqp's signed 32-bit digits);
 * - a key whose value is `undefined` is left out (as `JSON.stringify` does).
 * Anything py-amqp could not read or Python could not hold (integers beyond int64, `undefined` in an array, UUIDs,
 * dates without time, symbols, class instances, keys over 255 bytes, cycles) is refused with `EncodeError`
 * naming the JSON pointer of the value, e.g. `/headers/stamps/x`.
 */
export function encodeFieldTable(table: Readonly<Record<string, unknown>>, path = "/headers"): AmqplibFieldTable {
  return encodeTable(table, path, new Set(), 0);
}

function encodeTable(table: Readonly<Record<string, unknown>>, path: string, seen: Set<object>, depth: number): AmqplibFieldTable {
  if (seen.has(table)) fail(path, "is a cyclic structure");
  seen.add(table);
  const out: Record<string, AmqplibFieldValue> = {};
  for (const [key, value] of Object.entries(table)) {
    if (value === undefined) continue;
    if (Buffer.byteLength(key, "utf8") > 255) fail(`${path}/${pointerToken(key.slice(0, 20))}...`, "has a key longer than 255 bytes (AMQP short string)");
    out[key] = encodeValue(value, `${path}/${pointerToken(key)}`, seen, depth + 1);
  }
  seen.delete(table);
  return out;
}

function encodeValue(value: unknown, path: string, seen: Set<object>, depth: number): AmqplibFieldValue {
  if (depth > MAX_DEPTH) fail(path, `is nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return encodeNumber(value);
    case "bigint":
      return encodeBigint(value, path);
    case "object":
      break;
    default:
      fail(path, `is ${value === undefined ? "undefined inside an array" : `a ${typeof value}`}, which has no AMQP field type`);
  }
  if (value === null) return null;
  if (value instanceof PyFloat) return { "!": "double", value: value.value };
  if (value instanceof PyDecimal) return encodeDecimal(value, path);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof Date) return encodeDate(value, path);
  if (Array.isArray(value) || value instanceof PyTuple) {
    const items: readonly unknown[] = Array.isArray(value) ? value : (value as PyTuple).items;
    if (seen.has(items)) fail(path, "is a cyclic structure");
    seen.add(items);
    const out = items.map((item, i) => encodeValue(item, `${path}/${i}`, seen, depth + 1));
    seen.delete(items);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return encodeTable(value as Record<string, unknown>, path, seen, depth);
  const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
  return fail(path, `is a ${name}, which py-amqp cannot write in a header table (send it as a string)`);
}

/** As the codec's JSON writer: safe integers are ints; other numbers (and -0) are floats; exact big ints are bigint. */
function encodeNumber(value: number): AmqplibFieldValue {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return { "!": "double", value };
  if (Math.abs(value) <= INT32_MAX) return { "!": "int", value };
  return { "!": "long", value: BigInt(value) };
}

function encodeBigint(value: bigint, path: string): AmqplibFieldValue {
  if (value < INT64_MIN || value > INT64_MAX) fail(path, `is ${value}, outside the signed 64-bit range py-amqp can read`);
  if (value >= -BigInt(INT32_MAX) && value <= BigInt(INT32_MAX)) return { "!": "int", value: Number(value) };
  return { "!": "long", value };
}

function encodeDecimal(value: PyDecimal, path: string): AmqplibFieldValue {
  return { "!": "decimal", value: toAmqpDecimal(value, path) };
}

/**
 * A Python `Decimal` as AMQP's decimal: `places` and the digits as amqplib writes them (unsigned; negatives as their
 * two's complement, which py-amqp reads back signed).
 */
export function toAmqpDecimal(value: PyDecimal, path: string): { readonly places: number; readonly digits: number } {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value.value.trim());
  if (m === null || (m[2] ?? "") + (m[3] ?? "") === "") fail(path, `is Decimal(${JSON.stringify(value.value)}), which AMQP cannot carry`);
  const fraction = m[3] ?? "";
  let digits = BigInt((m[2] ?? "") + fraction || "0");
  let places = fraction.length - Number(m[4] ?? "0");
  if (places < 0) {
    digits *= 10n ** BigInt(-places);
    places = 0;
  }
  if (m[1] === "-") digits = -digits;
  if (places > 255 || digits < -(2n ** 31n) || digits >= 2n ** 31n) {
    fail(path, `is Decimal(${JSON.stringify(value.value)}), beyond AMQP's decimal (32-bit signed digits, at most 255 places)`);
  }
  // amqplib writes the digits unsigned; py-amqp reads them signed: pass negatives as their two's complement.
  const n = Number(digits);
  return { places, digits: n < 0 ? n + 2 ** 32 : n };
}

function encodeDate(value: Date, path: string): AmqplibFieldValue {
  return { "!": "timestamp", value: toAmqpTimestamp(value, path) };
}

/** A `Date` as an AMQP timestamp: whole seconds since the epoch, as py-amqp writes datetimes. */
export function toAmqpTimestamp(value: Date, path: string): number {
  const ms = value.getTime();
  if (!Number.isFinite(ms) || ms < 0) fail(path, "is an invalid date or one before 1970, which an AMQP timestamp cannot carry");
  return Math.floor(ms / 1000);
}

/** A key as a JSON pointer token (RFC 6901), for error paths. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Refuses a field-table value with `EncodeError` naming its JSON pointer. */
export function failFieldValue(path: string, reason: string): never {
  return fail(path, reason);
}

function fail(path: string, reason: string): never {
  throw new CeleryProtoError("EncodeError", `${path} ${reason}`, { details: [{ path, keyword: "amqp-field", message: reason }] });
}
