import type { TaskMessage } from "../task/task-message.js";
import { serializeTaskBody, type EncodeOptions } from "../task/serialize-task-body.js";
import type { AmqpProperties } from "./amqp-message.js";

/** Where a message is published. Celery publishes to a direct queue through the default exchange `""`. */
export interface PublishRoute {
  readonly exchange?: string;
  readonly routingKey: string;
}

/** The arguments of one `basic.publish`, transport-neutral (an amqplib adapter maps the names). */
export interface AmqpPublish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly body: Uint8Array;
  readonly properties: AmqpProperties;
}

/** Encodes a task message into the exchange, routing key, body and properties Celery would publish. */
export function encodeAmqpPublish(message: TaskMessage, route: PublishRoute, options: EncodeOptions = {}): AmqpPublish {
  const body = serializeTaskBody(message, options);
  return {
    exchange: route.exchange ?? "",
    routingKey: route.routingKey,
    body: body.body,
    properties: {
      ...message.properties,
      content_type: body.contentType,
      content_encoding: body.contentEncoding,
      headers: body.headers,
    },
  };
}
