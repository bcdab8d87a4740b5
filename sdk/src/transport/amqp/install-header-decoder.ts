import { createRequire } from "node:module";
import path from "node:path";
import type { ChannelModel } from "amqplib";
import { decodeFieldTable } from "./decode-field-table.js";

/** The parts of amqplib's `lib/frame.js` this module uses. */
interface FrameModule {
  parseFrame(bin: Buffer, max?: number): ParsedFrame | false;
  decodeFrame(frame: ParsedFrame): DecodedFrame;
}

interface ParsedFrame {
  readonly type: number;
  readonly channel: number;
  readonly size: number;
  readonly payload: Buffer;
  readonly rest: Buffer;
}

interface DecodedFrame {
  readonly fields?: { headers?: unknown };
}

/** The fields of amqplib's internal `Connection` that its own `recvFrame()` uses. */
interface ConnectionInternals {
  rest: Buffer;
  readonly stream: { read(): Buffer | null };
  readonly maxFrameSize?: number;
  recvSinceLastCheck: boolean;
  recvFrame(): unknown;
}

const FRAME_HEADER = 2;
const BASIC_CLASS = 60;
const FLAG_CONTENT_TYPE = 0x8000;
const FLAG_CONTENT_ENCODING = 0x4000;
const FLAG_HEADERS = 0x2000;

let frameModule: FrameModule | null | undefined;

/**
 * Makes one amqplib connection read message headers with {@link decodeFieldTable} (py-amqp's reader) instead of
 * amqplib's own.
 *
 * Why: amqplib 2.x cannot read the `L` field type, and py-amqp writes every Python int beyond ±(2^31-1) as `L`
 * (e.g. a millisecond timestamp in a custom header). amqplib throws inside its frame parser and closes the whole
 * connection, and the message, redelivered, does it again. It also reads 64-bit integers as lossy doubles and
 * negative decimals wrongly. This wraps the connection's frame reader (an own property on that connection only, so
 * other amqplib users in the process are unaffected): content-header frames of class basic get their header table
 * cut out before amqplib decodes the rest, and decoded here. A table no reader could decode becomes a string
 * (`"undecodable AMQP header table: ..."`), which the codec refuses as `InvalidHeaders`, instead of a dead
 * connection.
 *
 * Returns false (and changes nothing) when amqplib's internals do not have the expected shape, e.g. after an
 * amqplib upgrade; the transport reports that once as an `error` event.
 */
export function installHeaderDecoder(model: ChannelModel): boolean {
  const frames = loadFrameModule();
  const inner: unknown = (model as unknown as { connection?: unknown }).connection;
  if (frames === null || !isConnectionInternals(inner)) return false;
  const conn = inner;
  conn.recvFrame = function recvFrame(this: ConnectionInternals): unknown {
    const frame = frames.parseFrame(this.rest, this.maxFrameSize);
    if (!frame) {
      const incoming = this.stream.read();
      if (incoming === null) return false;
      this.recvSinceLastCheck = true;
      this.rest = Buffer.concat([this.rest, incoming]);
      return this.recvFrame();
    }
    this.rest = frame.rest;
    return frame.type === FRAME_HEADER ? decodeHeaderFrame(frames, frame) : frames.decodeFrame(frame);
  };
  return true;
}

function decodeHeaderFrame(frames: FrameModule, frame: ParsedFrame): DecodedFrame {
  const p = frame.payload;
  // class-id(2) weight(2) body-size(8) flags(2), then the properties in flag order.
  if (p.length < 14 || p.readUInt16BE(0) !== BASIC_CLASS) return frames.decodeFrame(frame);
  const flags = p.readUInt16BE(12);
  if ((flags & FLAG_HEADERS) === 0) return frames.decodeFrame(frame);
  let offset = 14;
  if (flags & FLAG_CONTENT_TYPE) offset += 1 + p.readUInt8(offset);
  if (flags & FLAG_CONTENT_ENCODING) offset += 1 + p.readUInt8(offset);
  const tableLength = p.readUInt32BE(offset);
  const tableEnd = offset + 4 + tableLength;
  if (tableEnd > p.length) return frames.decodeFrame(frame);
  const newFlags = Buffer.alloc(2);
  newFlags.writeUInt16BE(flags & ~FLAG_HEADERS);
  const payload = Buffer.concat([p.subarray(0, 12), newFlags, p.subarray(14, offset), p.subarray(tableEnd)]);
  const decoded = frames.decodeFrame({ ...frame, payload, size: payload.length });
  let headers: unknown;
  try {
    headers = decodeFieldTable(p.subarray(offset + 4, tableEnd));
  } catch (e) {
    headers = `undecodable AMQP header table: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (decoded.fields !== undefined) decoded.fields.headers = headers;
  return decoded;
}

function loadFrameModule(): FrameModule | null {
  if (frameModule !== undefined) return frameModule;
  try {
    const require = createRequire(import.meta.url);
    // The package's exports map hides lib/; an absolute path reaches the very module instance amqplib uses.
    const loaded: unknown = require(path.join(path.dirname(require.resolve("amqplib")), "lib", "frame.js"));
    const m = loaded as Partial<FrameModule> | null;
    frameModule = m !== null && typeof m.parseFrame === "function" && typeof m.decodeFrame === "function" ? (m as FrameModule) : null;
  } catch {
    frameModule = null;
  }
  return frameModule;
}

function isConnectionInternals(value: unknown): value is ConnectionInternals {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ConnectionInternals>;
  return typeof v.recvFrame === "function" && Buffer.isBuffer(v.rest) && typeof v.stream?.read === "function" && typeof v.recvSinceLastCheck === "boolean";
}
