import { decodeFieldTableAt } from "./decode-field-table.js";
import { INTERN_MAX_BYTES, internAscii } from "./intern-ascii.js";

/** The properties of a message (amqplib's `MessageProperties`), `headers` read by py-amqp's rules. */
export interface BasicProperties {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  headers: Record<string, unknown> | string | undefined;
  deliveryMode: number | undefined;
  priority: number | undefined;
  correlationId: string | undefined;
  replyTo: string | undefined;
  expiration: string | undefined;
  messageId: string | undefined;
  timestamp: number | undefined;
  type: string | undefined;
  userId: string | undefined;
  appId: string | undefined;
  clusterId: string | undefined;
}

/** A content-header frame as amqplib's `decodeFrame` returns it: what its channel reads (`id` 60 = basic). */
export interface DecodedHeaderFrame {
  readonly id: number;
  readonly channel: number;
  /** The body size the content frames that follow add up to. */
  readonly size: number;
  readonly fields: BasicProperties | Record<string, never>;
}

const BASIC_CLASS = 60;
// Property flags, in wire order (AMQP 0-9-1 basic class).
const CONTENT_TYPE = 0x8000;
const CONTENT_ENCODING = 0x4000;
const HEADERS = 0x2000;
const DELIVERY_MODE = 0x1000;
const PRIORITY = 0x0800;
const CORRELATION_ID = 0x0400;
const REPLY_TO = 0x0200;
const EXPIRATION = 0x0100;
const MESSAGE_ID = 0x0080;
const TIMESTAMP = 0x0040;
const TYPE = 0x0020;
const USER_ID = 0x0010;
const APP_ID = 0x0008;
const CLUSTER_ID = 0x0004;

/**
 * Reads the payload of a content-header frame of class basic (`p[start, end)`, by default all of `p`) into what amqplib's `decodeFrame` returns, in one pass,
 * with the header table read by {@link decodeFieldTableAt} (py-amqp's reader: 64-bit integers, negative decimals).
 * A table no reader could decode becomes a string (`"undecodable AMQP header table: ..."`), which the codec refuses as
 * `InvalidHeaders`. Returns null for another class or a payload that ends too early: amqplib's own decoder then
 * reads it (and fails the connection, as it always did for a malformed frame).
 */
export function decodeBasicHeaderFrame(channel: number, p: Buffer, start = 0, end = p.length): DecodedHeaderFrame | null {
  // class-id(2) weight(2) body-size(8) flags(2), then the properties in flag order.
  if (end - start < 14 || p.readUInt16BE(start) !== BASIC_CLASS) return null;
  const size = p.readUInt32BE(start + 4) * 0x1_0000_0000 + p.readUInt32BE(start + 8);
  const flags = p.readUInt16BE(start + 12);
  if (flags === 0) return { id: BASIC_CLASS, channel, size, fields: {} };
  const fields: BasicProperties = {
    contentType: undefined,
    contentEncoding: undefined,
    headers: undefined,
    deliveryMode: undefined,
    priority: undefined,
    correlationId: undefined,
    replyTo: undefined,
    expiration: undefined,
    messageId: undefined,
    timestamp: undefined,
    type: undefined,
    userId: undefined,
    appId: undefined,
    clusterId: undefined,
  };
  let at = start + 14;
  // Reading past the end moves `at` beyond `end`: checked once, at the end.
  const shortString = (): string | undefined => {
    if (at >= end) {
      at = end + 1;
      return undefined;
    }
    const n = p[at]!;
    const from = at + 1;
    at = from + n;
    if (at > end) return undefined;
    return (n <= INTERN_MAX_BYTES ? internAscii(p, from, n) : null) ?? p.toString("utf8", from, at);
  };
  const octet = (): number | undefined => {
    const value = p[at];
    at += 1;
    return value;
  };
  if (flags & CONTENT_TYPE) fields.contentType = shortString();
  if (flags & CONTENT_ENCODING) fields.contentEncoding = shortString();
  if (flags & HEADERS && at + 4 <= end) {
    const tableEnd = at + 4 + p.readUInt32BE(at);
    if (tableEnd > end) return null;
    try {
      fields.headers = decodeFieldTableAt(p, at + 4, tableEnd);
    } catch (e) {
      fields.headers = `undecodable AMQP header table: ${e instanceof Error ? e.message : String(e)}`;
    }
    at = tableEnd;
  } else if (flags & HEADERS) return null;
  if (flags & DELIVERY_MODE) fields.deliveryMode = octet();
  if (flags & PRIORITY) fields.priority = octet();
  if (flags & CORRELATION_ID) fields.correlationId = shortString();
  if (flags & REPLY_TO) fields.replyTo = shortString();
  if (flags & EXPIRATION) fields.expiration = shortString();
  if (flags & MESSAGE_ID) fields.messageId = shortString();
  if (flags & TIMESTAMP) {
    if (at + 8 > end) return null;
    fields.timestamp = p.readUInt32BE(at) * 0x1_0000_0000 + p.readUInt32BE(at + 4);
    at += 8;
  }
  if (flags & TYPE) fields.type = shortString();
  if (flags & USER_ID) fields.userId = shortString();
  if (flags & APP_ID) fields.appId = shortString();
  if (flags & CLUSTER_ID) fields.clusterId = shortString();
  if (at > end) return null;
  return { id: BASIC_CLASS, channel, size, fields };
}
