import type { Message } from "amqplib";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";

/** amqplib property name → AMQP wire (py-amqp / kombu) name. `headers` is handled separately. */
const PROPERTY_NAMES = [
  ["contentType", "content_type"],
  ["contentEncoding", "content_encoding"],
  ["deliveryMode", "delivery_mode"],
  ["priority", "priority"],
  ["correlationId", "correlation_id"],
  ["replyTo", "reply_to"],
  ["expiration", "expiration"],
  ["messageId", "message_id"],
  ["timestamp", "timestamp"],
  ["type", "type"],
  ["userId", "user_id"],
  ["appId", "app_id"],
  ["clusterId", "cluster_id"],
] as const;

/**
 * An amqplib delivery as the transport-neutral parts the codec decodes: the properties the broker delivered under
 * their wire names (absent ones left out, as py-amqp leaves them out), the header table as read by the transport's
 * header decoder (missing → `{}`, as kombu's `Message.headers`), the body bytes, and
 * `deliveryInfo {exchange, routingKey, redelivered, priority}`. `deliveryTag` is the AMQP delivery tag as a string
 * (channel-scoped; informative only, settle through the `Delivery`).
 */
export function toRawTaskParts(message: Message): RawTaskParts {
  const source = message.properties as unknown as Readonly<Record<string, unknown>>;
  const properties: Record<string, unknown> = {};
  for (const [from, to] of PROPERTY_NAMES) {
    const value = source[from];
    if (value !== undefined) properties[to] = value;
  }
  const priority = properties["priority"];
  return {
    headers: message.properties.headers ?? {},
    properties,
    body: new Uint8Array(message.content.buffer, message.content.byteOffset, message.content.byteLength),
    deliveryInfo: {
      exchange: message.fields.exchange,
      routingKey: message.fields.routingKey,
      redelivered: message.fields.redelivered,
      priority: typeof priority === "number" ? priority : null,
    },
    deliveryTag: String(message.fields.deliveryTag),
  };
}
