import type { Options } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { AmqpProperties } from "../../codec/amqp/amqp-message.js";
import { encodeFieldTable } from "./encode-field-table.js";

/** AMQP short-string properties: snake_case wire name → amqplib option name. */
const SHORT_STRINGS = [
  ["content_type", "contentType"],
  ["content_encoding", "contentEncoding"],
  ["correlation_id", "correlationId"],
  ["reply_to", "replyTo"],
  ["message_id", "messageId"],
  ["type", "type"],
  ["user_id", "userId"],
  ["app_id", "appId"],
] as const;

/**
 * Maps a message's AMQP properties (wire names, as the codec writes them) to amqplib's publish options, with the
 * header table typed for py-amqp ({@link encodeFieldTable}). Properties that are not AMQP basic properties (e.g.
 * `body_encoding` or `delivery_info` of a kombu Redis envelope) are ignored, as py-amqp ignores them.
 * `defaultDeliveryMode` applies when the message has no `delivery_mode` (kombu: the exchange's delivery mode).
 * Refuses values AMQP cannot carry with `EncodeError` naming the property.
 */
export function toPublishOptions(properties: AmqpProperties, defaultDeliveryMode?: 1 | 2): Options.Publish {
  const out: Record<string, unknown> = {};
  for (const [wire, option] of SHORT_STRINGS) {
    const value = properties[wire];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") fail(wire, `must be a string, got ${typeof value}`);
    if (Buffer.byteLength(value, "utf8") > 255) fail(wire, "is longer than 255 bytes (AMQP short string)");
    out[option] = value;
  }
  const deliveryMode = properties.delivery_mode ?? defaultDeliveryMode;
  if (deliveryMode !== undefined && deliveryMode !== null) out["deliveryMode"] = octet("delivery_mode", deliveryMode);
  if (properties.priority !== undefined && properties.priority !== null) out["priority"] = octet("priority", properties.priority);
  const expiration = properties.expiration;
  if (expiration !== undefined && expiration !== null) {
    if (typeof expiration !== "string" && typeof expiration !== "number") fail("expiration", `must be a string of milliseconds, got ${typeof expiration}`);
    out["expiration"] = String(expiration);
  }
  const timestamp: unknown = properties["timestamp"];
  if (timestamp !== undefined && timestamp !== null) {
    const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) fail("timestamp", "must be whole seconds since the epoch (or a Date)");
    out["timestamp"] = seconds;
  }
  const headers = properties.headers;
  if (headers !== undefined && headers !== null) out["headers"] = encodeFieldTable(headers);
  return out as Options.Publish;
}

/** An octet property (`delivery_mode`, `priority`), refused with `EncodeError` naming it when out of range. */
export function octet(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 255) fail(name, `must be an integer from 0 to 255, got ${String(value)}`);
  return value;
}

/** Refuses the AMQP property `name` with `EncodeError` (its JSON pointer in the details). */
export function fail(name: string, reason: string): never {
  throw new CeleryProtoError("EncodeError", `AMQP property ${name} ${reason}`, {
    details: [{ path: `/properties/${name}`, keyword: "amqp-property", message: reason }],
  });
}
