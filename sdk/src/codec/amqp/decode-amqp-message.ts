import type { DecodeOptions } from "../task/raw-task-parts.js";
import { decodeTaskMessage } from "../task/decode-task-message.js";
import type { TaskMessage } from "../task/task-message.js";
import type { AmqpMessage } from "./amqp-message.js";

/** Decodes a task message delivered over AMQP (properties, headers, body bytes). */
export function decodeAmqpMessage(message: AmqpMessage, options: DecodeOptions = {}): TaskMessage {
  const { headers, ...properties } = message.properties;
  const info = message.deliveryInfo ?? null;
  return decodeTaskMessage(
    {
      headers,
      properties,
      body: message.body,
      deliveryInfo:
        info === null
          ? null
          : { exchange: info.exchange, routingKey: info.routingKey, priority: properties.priority ?? null, redelivered: info.redelivered ?? false },
      deliveryTag: null,
    },
    options,
  );
}
