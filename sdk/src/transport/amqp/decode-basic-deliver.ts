import { INTERN_MAX_BYTES, internAscii } from "./intern-ascii.js";

/** The method id of `basic.deliver` (class 60, method 60), as amqplib's `defs.BasicDeliver`. */
export const BASIC_DELIVER = 0x003c_003c;

/** The arguments of `basic.deliver` as amqplib's `decodeFrame` returns them (a delivery's `fields`). */
export interface BasicDeliverFields {
  consumerTag: string;
  deliveryTag: number;
  redelivered: boolean;
  exchange: string;
  routingKey: string;
}

/** A `basic.deliver` method frame as amqplib's `decodeFrame` returns it. */
export interface DecodedDeliverFrame {
  readonly id: typeof BASIC_DELIVER;
  readonly channel: number;
  readonly fields: BasicDeliverFields;
}

/**
 * Reads the payload `p[start, end)` of a `basic.deliver` method frame (method id included) into what amqplib's
 * `decodeFrame` returns, or null for another method or a payload that ends too early (amqplib's own decoder then
 * reads it, and fails the connection as it always did for a malformed frame).
 *
 * Why: amqplib decodes the delivery tag through a BigInt and makes three new strings per message; the consumer tag,
 * exchange and routing key repeat in every delivery of a queue, so they are interned (`internAscii`), and the tag is
 * read as two 32-bit halves (exact below 2^53: a channel's tags count up from 1).
 */
export function decodeBasicDeliver(channel: number, p: Buffer, start: number, end: number): DecodedDeliverFrame | null {
  if (end - start < 4 || p.readUInt32BE(start) !== BASIC_DELIVER) return null;
  let at = start + 4;
  const shortString = (): string | null => {
    if (at >= end) return null;
    const n = p[at]!;
    const from = at + 1;
    at = from + n;
    if (at > end) return null;
    return (n <= INTERN_MAX_BYTES ? internAscii(p, from, n) : null) ?? p.toString("utf8", from, at);
  };
  const consumerTag = shortString();
  if (consumerTag === null || at + 9 > end) return null;
  const deliveryTag = p.readUInt32BE(at) * 0x1_0000_0000 + p.readUInt32BE(at + 4);
  const redelivered = (p[at + 8]! & 1) === 1;
  at += 9;
  const exchange = shortString();
  const routingKey = exchange === null ? null : shortString();
  if (exchange === null || routingKey === null) return null;
  return { id: BASIC_DELIVER, channel, fields: { consumerTag, deliveryTag, redelivered, exchange, routingKey } };
}
