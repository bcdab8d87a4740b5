import { createRequire } from "node:module";
import path from "node:path";
import type { ChannelModel } from "amqplib";
import { decodeBasicHeaderFrame } from "./decode-basic-header-frame.js";

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

type DecodedFrame = unknown;

/** The fields of amqplib's internal `Connection` that its own `recvFrame()` uses. */
interface ConnectionInternals {
  rest: Buffer;
  readonly stream: { read(): Buffer | null };
  readonly maxFrameSize?: number;
  recvSinceLastCheck: boolean;
  recvFrame(): unknown;
}

const FRAME_HEADER = 2;

let frameModule: FrameModule | null | undefined;

/**
 * Makes one amqplib connection read content-header frames (a message's properties) with
 * {@link decodeBasicHeaderFrame}, whose header table reader is py-amqp's, instead of amqplib's own.
 *
 * Why: amqplib 2.x cannot read the `L` field type, and py-amqp writes every Python int beyond ±(2^31-1) as `L`
 * (e.g. a millisecond timestamp in a custom header). amqplib throws inside its frame parser and closes the whole
 * connection, and the message, redelivered, does it again. It also reads 64-bit integers as lossy doubles and
 * negative decimals wrongly. This wraps the connection's frame reader (an own property on that connection only, so
 * other amqplib users in the process are unaffected): content-header frames of class basic are read here in one pass
 * (cutting the table out for amqplib to read the rest cost twice amqplib's own time). A table no reader could decode
 * becomes a string (`"undecodable AMQP header table: ..."`), which the codec refuses as `InvalidHeaders`, instead
 * of a dead connection.
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
    return (frame.type === FRAME_HEADER ? decodeBasicHeaderFrame(frame.channel, frame.payload) : null) ?? frames.decodeFrame(frame);
  };
  return true;
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
