import { isUtf8 } from "node:buffer";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyDecimal } from "../../codec/json/python-values.js";

const MAX_DEPTH = 100;

/**
 * Reads an AMQP field table (the body of a `F` value, without its length prefix) the way py-amqp reads it
 * (A:amqp/serialization.py `_read_item`), into the values the codec uses:
 * `S` → string (or `Uint8Array` if not UTF-8, as py-amqp falls back to bytes), `b B s U u I i` → number,
 * `l L` (signed 64-bit; py-amqp writes `L`) → number, or `bigint` beyond ±2^53, `f d` → number, `D` → `PyDecimal`,
 * `t` → boolean, `T` → `Date`, `V` → null, `x` → `Uint8Array`, `A` → array, `F` → object.
 * Throws `DecodeError` for a tag py-amqp does not read either, or for a truncated table.
 */
export function decodeFieldTable(bytes: Uint8Array): Record<string, unknown> {
  const reader = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return reader.table(bytes.byteLength, 0);
}

class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  table(length: number, depth: number): Record<string, unknown> {
    const end = this.offset + length;
    this.need(length);
    const out: Record<string, unknown> = {};
    while (this.offset < end) {
      this.need(1);
      const keyLength = this.buf.readUInt8(this.offset);
      this.offset += 1;
      this.need(keyLength);
      const key = this.buf.toString("utf8", this.offset, this.offset + keyLength);
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
    const tag = String.fromCharCode(this.buf.readUInt8(this.offset));
    this.offset += 1;
    const b = this.buf;
    switch (tag) {
      case "S": {
        const n = this.length();
        const start = this.offset;
        this.offset += n;
        const raw = b.subarray(start, start + n);
        return isUtf8(raw) ? b.toString("utf8", start, start + n) : new Uint8Array(raw);
      }
      case "x": {
        const n = this.length();
        const raw = new Uint8Array(b.subarray(this.offset, this.offset + n));
        this.offset += n;
        return raw;
      }
      case "b":
        return this.fixed(1, () => b.readInt8(this.offset));
      case "B":
        return this.fixed(1, () => b.readUInt8(this.offset));
      case "s":
      case "U":
        return this.fixed(2, () => b.readInt16BE(this.offset));
      case "u":
        return this.fixed(2, () => b.readUInt16BE(this.offset));
      case "I":
        return this.fixed(4, () => b.readInt32BE(this.offset));
      case "i":
        return this.fixed(4, () => b.readUInt32BE(this.offset));
      case "l":
      case "L":
        return this.fixed(8, () => {
          const v = b.readBigInt64BE(this.offset);
          return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
        });
      case "f":
        return this.fixed(4, () => b.readFloatBE(this.offset));
      case "d":
        return this.fixed(8, () => b.readDoubleBE(this.offset));
      case "D": {
        const places = this.fixed(1, () => b.readUInt8(this.offset));
        const digits = this.fixed(4, () => b.readInt32BE(this.offset));
        return new PyDecimal(formatDecimal(digits, places));
      }
      case "t":
        return this.fixed(1, () => b.readUInt8(this.offset) !== 0);
      case "T":
        return this.fixed(8, () => new Date(Number(b.readBigUInt64BE(this.offset)) * 1000));
      case "V":
        return null;
      case "F":
        return this.table(this.length(), depth);
      case "A": {
        const n = this.length();
        const end = this.offset + n;
        const out: unknown[] = [];
        while (this.offset < end) out.push(this.item(depth + 1));
        if (this.offset !== end) this.fail("an array value runs past the end of its array");
        return out;
      }
      default:
        return this.fail(`unknown field type tag ${JSON.stringify(tag)}`);
    }
  }

  /** A 32-bit length prefix, checked against the remaining bytes. */
  private length(): number {
    const n = this.fixed(4, () => this.buf.readUInt32BE(this.offset));
    this.need(n);
    return n;
  }

  private fixed<T>(size: number, read: () => T): T {
    this.need(size);
    const value = read();
    this.offset += size;
    return value;
  }

  private need(size: number): void {
    if (this.offset + size > this.buf.length) this.fail("truncated field table");
  }

  private fail(reason: string): never {
    throw new CeleryProtoError("DecodeError", `AMQP header table at byte ${this.offset}: ${reason}`);
  }
}

/** py-amqp: `Decimal(digits) / Decimal(10 ** places)`, written out without an exponent. */
function formatDecimal(digits: number, places: number): string {
  const sign = digits < 0 ? "-" : "";
  const text = String(Math.abs(digits)).padStart(places + 1, "0");
  return places === 0 ? `${sign}${text}` : `${sign}${text.slice(0, text.length - places)}.${text.slice(text.length - places)}`;
}
