import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { AmqpProperties } from "../../codec/amqp/amqp-message.js";
import { FieldTableWriter } from "./field-table-writer.js";
import { fail, octet } from "./to-publish-options.js";

/**
 * One `basic.publish` as the frames amqplib would write for it: the method frame, the content-header frame and, when
 * the body fits one frame of the smallest frame size AMQP allows, the body frame. The channel number is written at
 * send time ({@link setFramesChannel}), so queued frames can go out on whichever channel is open then.
 */
export interface PublishFrames {
  readonly frames: Buffer;
  /** Offset of the content-header frame in `frames`. */
  readonly headerAt: number;
  /** Offset of the body frame in `frames`; -1 when the body is sent after `frames`, cut into frames by amqplib. */
  readonly bodyAt: number;
}

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 0xce;
const BASIC_PUBLISH = (60 << 16) | 40;
const BASIC_CLASS_WEIGHT_0 = 60 << 16;
/** AMQP's frame-min-size: every broker accepts a body frame this large (payload plus 8 bytes of framing). */
const FRAME_MIN_SIZE = 4096;

const writer = new FieldTableWriter();

/**
 * Encodes a publish to the bytes amqplib's `channel.publish(exchange, routingKey, body, toPublishOptions(...))`
 * writes, in one pass and one buffer: the same property checks and `EncodeError`s as {@link toPublishOptions}, and
 * the header table written straight to bytes ({@link FieldTableWriter}) instead of amqplib's typed form and codec.
 * As amqplib, the header table is always present (empty when the message has none) and `mandatory` is off.
 */
export function encodePublishFrames(
  exchange: string,
  routingKey: string,
  properties: AmqpProperties,
  body: Buffer,
  defaultDeliveryMode?: 1 | 2,
): PublishFrames {
  checkShortString("exchange", exchange, "publish exchange");
  checkShortString("routing_key", routingKey, "publish routing key");
  const w = writer;
  w.reset();
  // Method frame: basic.publish(ticket 0, exchange, routing key, mandatory/immediate off).
  w.octet(FRAME_METHOD);
  w.uint16(0);
  const methodSizeAt = w.skip(4);
  w.uint32(BASIC_PUBLISH);
  w.uint16(0);
  w.shortString(exchange);
  w.shortString(routingKey);
  w.octet(0);
  w.uint32At(methodSizeAt, w.position - methodSizeAt - 4);
  w.octet(FRAME_END);
  // Content-header frame: class basic, weight 0, body size, property flags, then the present properties in order.
  const headerAt = w.position;
  w.octet(FRAME_HEADER);
  w.uint16(0);
  const headerSizeAt = w.skip(4);
  w.uint32(BASIC_CLASS_WEIGHT_0);
  w.uint32(Math.floor(body.length / 2 ** 32));
  w.uint32(body.length >>> 0);
  const flagsAt = w.skip(2);
  let flags = 0;
  // Each property is read by its own name (not in a loop over names): a keyed read of a computed name costs more than
  // the rest of the encoding.
  if (writeShortStringProperty(w, "content_type", properties.content_type)) flags |= 0x8000;
  if (writeShortStringProperty(w, "content_encoding", properties.content_encoding)) flags |= 0x4000;
  const headers = properties.headers;
  w.table(headers ?? {}, "/headers");
  flags |= 0x2000;
  const deliveryMode = properties.delivery_mode ?? defaultDeliveryMode;
  if (deliveryMode !== undefined && deliveryMode !== null) {
    w.octet(octet("delivery_mode", deliveryMode));
    flags |= 0x1000;
  }
  if (properties.priority !== undefined && properties.priority !== null) {
    w.octet(octet("priority", properties.priority));
    flags |= 0x0800;
  }
  if (writeShortStringProperty(w, "correlation_id", properties.correlation_id)) flags |= 0x0400;
  if (writeShortStringProperty(w, "reply_to", properties.reply_to)) flags |= 0x0200;
  const expiration = properties.expiration;
  if (expiration !== undefined && expiration !== null) {
    if (typeof expiration !== "string" && typeof expiration !== "number") fail("expiration", `must be a string of milliseconds, got ${typeof expiration}`);
    const text = String(expiration);
    checkShortString("expiration", text, "AMQP property expiration");
    w.shortString(text);
    flags |= 0x0100;
  }
  if (writeShortStringProperty(w, "message_id", properties["message_id"])) flags |= 0x0080;
  const timestamp: unknown = properties["timestamp"];
  if (timestamp !== undefined && timestamp !== null) {
    const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) fail("timestamp", "must be whole seconds since the epoch (or a Date)");
    w.uint64(seconds);
    flags |= 0x0040;
  }
  if (writeShortStringProperty(w, "type", properties["type"])) flags |= 0x0020;
  if (writeShortStringProperty(w, "user_id", properties["user_id"])) flags |= 0x0010;
  if (writeShortStringProperty(w, "app_id", properties["app_id"])) flags |= 0x0008;
  w.uint16At(flagsAt, flags);
  w.uint32At(headerSizeAt, w.position - headerSizeAt - 4);
  w.octet(FRAME_END);
  const headLength = w.position;
  // amqplib sends no body frame for an empty body; a larger body is cut into frames of the negotiated size at send.
  if (body.length === 0 || body.length + 8 > FRAME_MIN_SIZE) return { frames: w.copy(), headerAt, bodyAt: -1 };
  const frames = Buffer.allocUnsafe(headLength + body.length + 8);
  w.copyInto(frames);
  frames[headLength] = FRAME_BODY;
  frames.writeUInt32BE(body.length, headLength + 3);
  body.copy(frames, headLength + 7);
  frames[headLength + 7 + body.length] = FRAME_END;
  return { frames, headerAt, bodyAt: headLength };
}

/** Writes the channel number into each frame of `p` (they are sent on `channel`). */
export function setFramesChannel(p: PublishFrames, channel: number): void {
  p.frames.writeUInt16BE(channel, 1);
  p.frames.writeUInt16BE(channel, p.headerAt + 1);
  if (p.bodyAt >= 0) p.frames.writeUInt16BE(channel, p.bodyAt + 1);
}

function writeShortStringProperty(w: FieldTableWriter, name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "string") fail(name, `must be a string, got ${typeof value}`);
  checkShortString(name, value, `AMQP property ${name}`);
  w.shortString(value);
  return true;
}

function checkShortString(name: string, value: string, what: string): void {
  // A string of at most 85 UTF-16 units is at most 255 UTF-8 bytes: skip the count for the usual short values.
  if (value.length > 85 && Buffer.byteLength(value, "utf8") > 255) {
    throw new CeleryProtoError("EncodeError", `${what} is longer than 255 bytes (AMQP short string)`, {
      details: [{ path: `/properties/${name}`, keyword: "amqp-property", message: "is longer than 255 bytes (AMQP short string)" }],
    });
  }
}
