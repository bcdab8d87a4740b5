import { createRequire } from "node:module";
import path from "node:path";
import type { ChannelModel } from "amqplib";
import { decodeBasicDeliver } from "./decode-basic-deliver.js";
import { decodeBasicHeaderFrame } from "./decode-basic-header-frame.js";

/** The parts of amqplib's `lib/frame.js` this module uses. */
interface FrameModule {
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

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 0xce;
/** type(1) channel(2) size(4) */
const FRAME_HEADER_BYTES = 7;
const EMPTY = Buffer.alloc(0);

let frameModule: FrameModule | null | undefined;

/**
 * Makes one amqplib connection read its frames here, and content-header frames (a message's properties) with
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
 * The frames themselves are cut out here too, where they lie in the chunk the socket delivered (amqplib's `parseFrame`
 * makes a frame object and two buffer views per frame, its `decodeFrame` a BigInt and three strings per
 * `basic.deliver`): `basic.deliver` is read by {@link decodeBasicDeliver}, body frames become amqplib's
 * `{channel, content}`, every other frame goes to amqplib's `decodeFrame`. The checks and their errors are
 * `parseFrame`'s.
 *
 * Returns false (and changes nothing) when amqplib's internals do not have the expected shape, e.g. after an
 * amqplib upgrade; the transport reports that once as an `error` event.
 */
export function installHeaderDecoder(model: ChannelModel): boolean {
  const frames = loadFrameModule();
  const inner: unknown = (model as unknown as { connection?: unknown }).connection;
  if (frames === null || !isConnectionInternals(inner)) return false;
  const conn = inner;
  // The bytes not parsed yet are `pending[at..]`: a frame is read where it lies in the chunk the socket delivered,
  // without cutting the chunk's rest off it per frame (amqplib's `rest`, kept up to date whenever more is needed).
  let pending = conn.rest;
  let at = 0;
  conn.recvFrame = function recvFrame(this: ConnectionInternals): unknown {
    for (;;) {
      const available = pending.length - at;
      if (available >= FRAME_HEADER_BYTES) {
        const size = pending.readUInt32BE(at + 3);
        const max = this.maxFrameSize ?? 0;
        // amqplib's parseFrame errors, word for word (its accept loop turns them into a frameError).
        if (max > 0 && size > max) throw new Error(`Frame size ${size} exceeds maxFrameSize ${max}`);
        if (available >= FRAME_HEADER_BYTES + size + 1) {
          const start = at + FRAME_HEADER_BYTES;
          const end = start + size;
          if (pending[end] !== FRAME_END) throw new Error("Invalid frame");
          at = end + 1;
          return decodeFrameAt(frames, pending[start - FRAME_HEADER_BYTES]!, pending.readUInt16BE(start - 6), pending, start, end);
        }
      }
      const incoming = this.stream.read();
      if (incoming === null) {
        if (at > 0) {
          pending = pending.subarray(at);
          at = 0;
        }
        this.rest = pending;
        return false;
      }
      this.recvSinceLastCheck = true;
      pending = at === pending.length ? incoming : Buffer.concat([pending.subarray(at), incoming]);
      at = 0;
    }
  };
  return true;
}

/** The frame of `type` on `channel` whose payload is `buf[start, end)`, as amqplib's `decodeFrame` returns it. */
function decodeFrameAt(frames: FrameModule, type: number, channel: number, buf: Buffer, start: number, end: number): unknown {
  if (type === FRAME_BODY) return { channel, content: buf.subarray(start, end) };
  const decoded =
    type === FRAME_HEADER ? decodeBasicHeaderFrame(channel, buf, start, end) : type === FRAME_METHOD ? decodeBasicDeliver(channel, buf, start, end) : null;
  return decoded ?? frames.decodeFrame({ type, channel, size: end - start, payload: buf.subarray(start, end), rest: EMPTY });
}

function loadFrameModule(): FrameModule | null {
  if (frameModule !== undefined) return frameModule;
  try {
    const require = createRequire(import.meta.url);
    // The package's exports map hides lib/; an absolute path reaches the very module instance amqplib uses.
    const loaded: unknown = require(path.join(path.dirname(require.resolve("amqplib")), "lib", "frame.js"));
    const m = loaded as Partial<FrameModule> | null;
    frameModule = m !== null && typeof m.decodeFrame === "function" ? (m as FrameModule) : null;
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
