import { randomUUID } from "node:crypto";
import { encodeBase64 } from "../body/base64.js";
import { encodeKombuJson, type KombuJsonFlavor } from "../json/kombu-json.js";
import { encodeAmqpPublish, type AmqpPublish, type PublishRoute } from "../amqp/encode-amqp-publish.js";
import type { TaskMessage } from "../task/task-message.js";
import type { EncodeOptions } from "../task/serialize-task-body.js";

export interface RedisEnvelopeOptions extends EncodeOptions {
  /** kombu's delivery tag: a uuid4 chosen by the publisher and reused as the ack key. Default: a new uuid4. */
  readonly deliveryTag?: string;
}

/**
 * The exact string kombu's Redis transport LPUSHes for a message (K:kombu/transport/virtual/base.py
 * `prepare_message` + redis `_put`): base64 body, `body_encoding`, `delivery_info` and a uuid4 `delivery_tag`.
 */
export function encodeRedisEnvelope(message: TaskMessage, route: PublishRoute, options: RedisEnvelopeOptions = {}): string {
  return envelopeFromPublish(encodeAmqpPublish(message, route, options), options.deliveryTag, options.jsonFlavor);
}

/**
 * Wraps any encoded message (task, event, control) into kombu's Redis envelope. Property order is kombu's:
 * the message properties (`expiration` among them), then `delivery_info`, `priority`, `body_encoding`, `delivery_tag`.
 */
export function envelopeFromPublish(publish: AmqpPublish, deliveryTag: string = randomUUID(), jsonFlavor: KombuJsonFlavor = "kombu5.3"): string {
  const { headers, content_type, content_encoding, priority = 0, ...rest } = publish.properties;
  const envelope = {
    body: encodeBase64(publish.body),
    "content-encoding": content_encoding,
    "content-type": content_type,
    headers: headers ?? {},
    properties: {
      ...rest,
      delivery_info: { exchange: publish.exchange, routing_key: publish.routingKey },
      priority,
      body_encoding: "base64",
      delivery_tag: deliveryTag,
    },
  };
  return encodeKombuJson(envelope, jsonFlavor);
}
