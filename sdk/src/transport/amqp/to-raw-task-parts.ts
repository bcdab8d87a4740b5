import type { Message, MessageProperties } from "amqplib";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";

/**
 * An amqplib delivery as the transport-neutral parts the codec decodes: the properties the broker delivered under
 * their wire names (absent ones left out, as py-amqp leaves them out), the header table as read by the transport's
 * header decoder (missing → `{}`, as kombu's `Message.headers`), the body bytes, and
 * `deliveryInfo {exchange, routingKey, redelivered, priority}`. `deliveryTag` is the AMQP delivery tag as a string
 * (channel-scoped; informative only, settle through the `Delivery`).
 */
export function toRawTaskParts(message: Message): RawTaskParts {
  const properties = wireProperties(message.properties);
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

/**
 * amqplib's property names → the AMQP wire (py-amqp / kombu) names, absent ones left out; `headers` is handled
 * separately. Spelled out (not a loop over a name table): it runs once per message.
 */
function wireProperties(source: MessageProperties): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (source.contentType !== undefined) properties["content_type"] = source.contentType;
  if (source.contentEncoding !== undefined) properties["content_encoding"] = source.contentEncoding;
  if (source.deliveryMode !== undefined) properties["delivery_mode"] = source.deliveryMode;
  if (source.priority !== undefined) properties["priority"] = source.priority;
  if (source.correlationId !== undefined) properties["correlation_id"] = source.correlationId;
  if (source.replyTo !== undefined) properties["reply_to"] = source.replyTo;
  if (source.expiration !== undefined) properties["expiration"] = source.expiration;
  if (source.messageId !== undefined) properties["message_id"] = source.messageId;
  if (source.timestamp !== undefined) properties["timestamp"] = source.timestamp;
  if (source.type !== undefined) properties["type"] = source.type;
  if (source.userId !== undefined) properties["user_id"] = source.userId;
  if (source.appId !== undefined) properties["app_id"] = source.appId;
  if (source.clusterId !== undefined) properties["cluster_id"] = source.clusterId;
  return properties;
}
