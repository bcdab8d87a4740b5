import { isUtf8 } from "node:buffer";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyDecimal } from "../../codec/json/python-values.js";
import { INTERN_MAX_BYTES, internAscii } from "./intern-ascii.js";

const MAX_DEPTH = 100;
/** Strings up to this many bytes are checked for ASCII in JS (cheaper than `isUtf8` on a new view for short ones). */
const ASCII_SCAN_LIMIT = 64;

/**
 * Reads an AMQP field table (the body of a `F` value, without its length prefix) the way py-amqp reads it
 * (A:amqp/serialization.py `_read_item`), into the values the codec uses:
 * `S` → string (or `Uint8Array` if not UTF-8, as py-amqp falls back to bytes), `b B s U u I i` → number,
 * `l L` (signed 64-bit; py-amqp writes `L`) → number, or `bigint` beyond ±2^53, `f d` → number, `D` → `PyDecimal`,
 * `t` → boolean, `T` → `Date`, `V` → null, `x` → `Uint8Array`, `A` → array, `F` → object.
 * Throws `DecodeError` for a tag py-amqp does not read either, or for a truncated table.
 */
export function decodeFieldTable(bytes: Uint8Array): Record<string, unknown> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeFieldTableAt(buf, 0, buf.length);
}

/** {@link decodeFieldTable} of `buf[start, end)`, without a view of it (the header frame reader's path). */
export function decodeFieldTableAt(buf: Buffer, start: number, end: number): Record<string, unknown> {
  const reader = new Reader(buf, start, end);
  return reader.table(end - start, 0);
}

// Tag bytes (py-amqp's `_read_item`).
const S = 0x53;
const X = 0x78;
const LOWER_B = 0x62;
const UPPER_B = 0x42;
const LOWER_S = 0x73;
const UPPER_U = 0x55;
const LOWER_U = 0x75;
const UPPER_I = 0x49;
const LOWER_I = 0x69;
const LOWER_L = 0x6c;
const UPPER_L = 0x4c;
const LOWER_F = 0x66;
const LOWER_D = 0x64;
const UPPER_D = 0x44;
const LOWER_T = 0x74;
const UPPER_T = 0x54;
const UPPER_V = 0x56;
const UPPER_F = 0x46;
const UPPER_A = 0x41;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

class Reader {
  private offset: number;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly limit: number,
  ) {
    this.offset = start;
  }

  table(length: number, depth: number): Record<string, unknown> {
    this.need(length);
    const end = this.offset + length;
    const b = this.buf;
    const out: Record<string, unknown> = {};
    while (this.offset < end) {
      this.need(1);
      const keyLength = b[this.offset]!;
      this.offset += 1;
      this.need(keyLength);
      const key = this.text(this.offset, keyLength);
      this.offset += keyLength;
      const value = this.item(depth + 1);
      // A "__proto__" key must be stored as data, not change the object's prototype (defineProperty for every key
      // would be safe too, but it was the single most expensive step of receiving a task).
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    if (this.offset !== end) this.fail("a table value runs past the end of its table");
    return out;
  }

  private item(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`tables nested deeper than ${MAX_DEPTH} levels`);
    this.need(1);
    const b = this.buf;
    const tag = b[this.offset]!;
    this.offset += 1;
    const at = this.offset;
    switch (tag) {
      case S: {
        const n = this.length();
        this.offset += n;
        return this.stringOrBytes(at + 4, n);
      }
      case X: {
        const n = this.length();
        this.offset += n;
        return new Uint8Array(b.subarray(at + 4, at + 4 + n));
      }
      case LOWER_B:
        this.skip(1);
        return b.readInt8(at);
      case UPPER_B:
        this.skip(1);
        return b[at];
      case LOWER_S:
      case UPPER_U:
        this.skip(2);
        return b.readInt16BE(at);
      case LOWER_U:
        this.skip(2);
        return b.readUInt16BE(at);
      case UPPER_I:
        this.skip(4);
        return b.readInt32BE(at);
      case LOWER_I:
        this.skip(4);
        return b.readUInt32BE(at);
      case LOWER_L:
      case UPPER_L: {
        this.skip(8);
        const v = b.readBigInt64BE(at);
        return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
      }
      case LOWER_F:
        this.skip(4);
        return b.readFloatBE(at);
      case LOWER_D:
        this.skip(8);
        return b.readDoubleBE(at);
      case UPPER_D: {
        this.skip(5);
        return new PyDecimal(formatDecimal(b.readInt32BE(at + 1), b[at]!));
      }
      case LOWER_T:
        this.skip(1);
        return b[at] !== 0;
      case UPPER_T:
        this.skip(8);
        return new Date(Number(b.readBigUInt64BE(at)) * 1000);
      case UPPER_V:
        return null;
      case UPPER_F:
        return this.table(this.length(), depth);
      case UPPER_A: {
        const n = this.length();
        const end = this.offset + n;
        const out: unknown[] = [];
        while (this.offset < end) out.push(this.item(depth + 1));
        if (this.offset !== end) this.fail("an array value runs past the end of its array");
        return out;
      }
      default:
        return this.fail(`unknown field type tag ${JSON.stringify(String.fromCharCode(tag))}`);
    }
  }

  /** A table key: UTF-8 (amqplib's and py-amqp's reading); invalid sequences become U+FFFD as `toString` makes them. */
  private text(start: number, n: number): string {
    return (n <= INTERN_MAX_BYTES ? internAscii(this.buf, start, n) : null) ?? this.buf.toString("utf8", start, start + n);
  }

  /** An `S` value: a string if it is UTF-8, else its bytes (py-amqp's fallback). */
  private stringOrBytes(start: number, n: number): string | Uint8Array {
    const b = this.buf;
    if (n <= INTERN_MAX_BYTES) {
      const interned = internAscii(b, start, n);
      if (interned !== null) return interned;
    } else if (n <= ASCII_SCAN_LIMIT && isAscii(b, start, n)) return b.toString("latin1", start, start + n);
    const raw = b.subarray(start, start + n);
    return isUtf8(raw) ? b.toString("utf8", start, start + n) : new Uint8Array(raw);
  }

  /** A 32-bit length prefix, checked against the remaining bytes. */
  private length(): number {
    this.need(4);
    const n = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    this.need(n);
    return n;
  }

  private skip(size: number): void {
    this.need(size);
    this.offset += size;
  }

  private need(size: number): void {
    if (this.offset + size > this.limit) this.fail("truncated field table");
  }

  private fail(reason: string): never {
    throw new CeleryProtoError("DecodeError", `AMQP header table at byte ${this.offset}: ${reason}`);
  }
}

function isAscii(b: Buffer, start: number, n: number): boolean {
  for (let i = start, end = start + n; i < end; i++) if (b[i]! > 0x7f) return false;
  return true;
}

/** py-amqp: `Decimal(digits) / Decimal(10 ** places)`, written out without an exponent. */
function formatDecimal(digits: number, places: number): string {
  const sign = digits < 0 ? "-" : "";
  const text = String(Math.abs(digits)).padStart(places + 1, "0");
  return places === 0 ? `${sign}${text}` : `${sign}${text.slice(0, text.length - places)}.${text.slice(text.length - places)}`;
}
