import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyDecimal, PyFloat } from "../../codec/json/python-values.js";
import { PyTuple } from "../../codec/repr/safe-repr.js";
import { failFieldValue, pointerToken, toAmqpDecimal, toAmqpTimestamp } from "./encode-field-table.js";

const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_DEPTH = 100;
/** amqplib encodes a table into a 64 KiB scratch buffer and refuses a larger one: the same limit here. */
const MAX_TABLE_BYTES = 65_536;

/**
 * Writes AMQP frames into one growing scratch buffer, field tables included: the bytes amqplib would write for
 * {@link encodeFieldTable}'s typed form of the same table (same field types, same key order), without building that
 * form. A value is refused with the same `EncodeError` and JSON pointer as {@link encodeFieldTable}; the pointer is
 * built only then.
 */
export class FieldTableWriter {
  private buf = Buffer.allocUnsafe(4096);
  private at = 0;
  private readonly seen = new Set<object>();
  /** The keys and indices from the table's root to the value being written, for error pointers. */
  private readonly trail: (string | number)[] = [];
  private root = "";

  get position(): number {
    return this.at;
  }

  /** Starts a new run of frames at position 0. */
  reset(): void {
    this.at = 0;
  }

  /** A copy of bytes `[from, position)`. */
  copy(from = 0): Buffer {
    const out = Buffer.allocUnsafe(this.at - from);
    this.buf.copy(out, 0, from, this.at);
    return out;
  }

  /** Copies bytes `[0, position)` to the start of `target`. */
  copyInto(target: Buffer): void {
    this.buf.copy(target, 0, 0, this.at);
  }

  /** Reserves `n` bytes and returns their offset (for a length or flags written later). */
  skip(n: number): number {
    this.ensure(n);
    const at = this.at;
    this.at += n;
    return at;
  }

  octet(value: number): void {
    this.ensure(1);
    this.buf[this.at++] = value;
  }

  uint16(value: number): void {
    this.ensure(2);
    this.at = this.buf.writeUInt16BE(value, this.at);
  }

  uint32(value: number): void {
    this.ensure(4);
    this.at = this.buf.writeUInt32BE(value, this.at);
  }

  uint64(value: number): void {
    this.ensure(8);
    this.at = this.buf.writeBigUInt64BE(BigInt(value), this.at);
  }

  uint16At(offset: number, value: number): void {
    this.buf.writeUInt16BE(value, offset);
  }

  uint32At(offset: number, value: number): void {
    this.buf.writeUInt32BE(value, offset);
  }

  /** A short string whose UTF-8 length the caller checked to be at most 255 bytes. */
  shortString(value: string): void {
    this.ensure(1 + value.length * 3);
    const len = this.buf.write(value, this.at + 1, "utf8");
    this.buf[this.at] = len;
    this.at += 1 + len;
  }

  /** A field table, length-prefixed. `root` is the JSON pointer named in errors, e.g. `/headers`. */
  table(table: Readonly<Record<string, unknown>>, root: string): void {
    this.root = root;
    this.seen.clear();
    this.trail.length = 0;
    const start = this.at;
    this.writeTable(table, 0);
    if (this.at - start > MAX_TABLE_BYTES) {
      throw new CeleryProtoError("EncodeError", `${root} is ${this.at - start} bytes once encoded, over amqplib's ${MAX_TABLE_BYTES} byte field-table limit`, {
        details: [{ path: root, keyword: "amqp-field", message: "field table over 64 KiB" }],
      });
    }
  }

  private writeTable(table: Readonly<Record<string, unknown>>, depth: number): void {
    if (this.seen.has(table)) this.fail("is a cyclic structure");
    this.seen.add(table);
    const lengthAt = this.skip(4);
    for (const key in table) {
      if (!Object.hasOwn(table, key)) continue;
      const value = table[key];
      if (value === undefined) continue;
      this.trail.push(key);
      this.ensure(1 + key.length * 3);
      const len = this.buf.write(key, this.at + 1, "utf8");
      if (len > 255) {
        this.trail[this.trail.length - 1] = `${key.slice(0, 20)}...`;
        this.fail("has a key longer than 255 bytes (AMQP short string)");
      }
      this.buf[this.at] = len;
      this.at += 1 + len;
      this.writeValue(value, depth + 1);
      this.trail.pop();
    }
    this.buf.writeUInt32BE(this.at - lengthAt - 4, lengthAt);
    this.seen.delete(table);
  }

  private writeValue(value: unknown, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`is nested deeper than ${MAX_DEPTH} levels`);
    switch (typeof value) {
      case "string": {
        this.ensure(5 + value.length * 3);
        this.buf[this.at] = 0x53; // S
        const len = this.buf.write(value, this.at + 5, "utf8");
        this.buf.writeUInt32BE(len, this.at + 1);
        this.at += 5 + len;
        return;
      }
      case "boolean":
        this.ensure(2);
        this.buf[this.at] = 0x74; // t
        this.buf[this.at + 1] = value ? 1 : 0;
        this.at += 2;
        return;
      case "number":
        if (!Number.isSafeInteger(value) || Object.is(value, -0)) this.double(value);
        else if (Math.abs(value) <= INT32_MAX) this.int32(value);
        else this.int64(BigInt(value));
        return;
      case "bigint":
        if (value < INT64_MIN || value > INT64_MAX) this.fail(`is ${value}, outside the signed 64-bit range py-amqp can read`);
        if (value >= -BigInt(INT32_MAX) && value <= BigInt(INT32_MAX)) this.int32(Number(value));
        else this.int64(value);
        return;
      case "object":
        break;
      default:
        this.fail(`is ${value === undefined ? "undefined inside an array" : `a ${typeof value}`}, which has no AMQP field type`);
    }
    if (value === null) return this.octet(0x56); // V
    if (value instanceof PyFloat) return this.double(value.value);
    if (value instanceof PyDecimal) {
      const { places, digits } = toAmqpDecimal(value, this.path());
      this.octet(0x44); // D
      this.octet(places);
      return this.uint32(digits);
    }
    if (value instanceof Uint8Array) {
      this.ensure(5 + value.byteLength);
      this.buf[this.at] = 0x78; // x
      this.buf.writeUInt32BE(value.byteLength, this.at + 1);
      this.buf.set(value, this.at + 5);
      this.at += 5 + value.byteLength;
      return;
    }
    if (value instanceof Date) {
      const seconds = toAmqpTimestamp(value, this.path());
      this.octet(0x54); // T
      return this.uint64(seconds);
    }
    if (Array.isArray(value) || value instanceof PyTuple) {
      const items: readonly unknown[] = Array.isArray(value) ? value : (value as PyTuple).items;
      if (this.seen.has(items)) this.fail("is a cyclic structure");
      this.seen.add(items);
      this.octet(0x41); // A
      const lengthAt = this.skip(4);
      for (let i = 0; i < items.length; i++) {
        this.trail.push(i);
        this.writeValue(items[i], depth + 1);
        this.trail.pop();
      }
      this.buf.writeUInt32BE(this.at - lengthAt - 4, lengthAt);
      this.seen.delete(items);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      this.octet(0x46); // F
      return this.writeTable(value as Record<string, unknown>, depth);
    }
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    this.fail(`is a ${name}, which py-amqp cannot write in a header table (send it as a string)`);
  }

  private double(value: number): void {
    this.ensure(9);
    this.buf[this.at] = 0x64; // d
    this.at = this.buf.writeDoubleBE(value, this.at + 1);
  }

  private int32(value: number): void {
    this.ensure(5);
    this.buf[this.at] = 0x49; // I
    this.at = this.buf.writeInt32BE(value, this.at + 1);
  }

  private int64(value: bigint): void {
    this.ensure(9);
    this.buf[this.at] = 0x6c; // l
    this.at = this.buf.writeBigInt64BE(value, this.at + 1);
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  private path(): string {
    let out = this.root;
    for (const step of this.trail) out += `/${typeof step === "number" ? step : pointerToken(step)}`;
    return out;
  }

  private fail(reason: string): never {
    return failFieldValue(this.path(), reason);
  }
}
