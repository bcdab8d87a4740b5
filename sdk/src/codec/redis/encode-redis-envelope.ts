import { randomUUID } from "node:crypto";
import { encodeBase64 } from "../body/base64.js";
import { encodeKombuJson } from "../json/kombu-json.js";
import type { PublishRoute } from "../amqp/encode-amqp-publish.js";
import type { TaskMessage } from "../task/task-message.js";
import { serializeTaskBody, type EncodeOptions } from "../task/serialize-task-body.js";

export interface RedisEnvelopeOptions extends EncodeOptions {
  /** kombu's delivery tag: a uuid4 chosen by the publisher and reused as the ack key. Default: a new uuid4. */
  readonly deliveryTag?: string;
}

/**
 * The exact string kombu's Redis transport LPUSHes for a message (K:kombu/transport/virtual/base.py
 * `prepare_message` + redis `_put`): base64 body, `body_encoding`, `delivery_info` and a uuid4 `delivery_tag`.
 */
export function encodeRedisEnvelope(message: TaskMessage, route: PublishRoute, options: RedisEnvelopeOptions = {}): string {
  const body = serializeTaskBody(message, options);
  const { priority = 0, ...rest } = message.properties as Record<string, unknown> & { priority?: number };
  const envelope = {
    body: encodeBase64(body.body),
    "content-encoding": body.contentEncoding,
    "content-type": body.contentType,
    headers: body.headers,
    properties: {
      ...rest,
      delivery_info: { exchange: route.exchange ?? "", routing_key: route.routingKey },
      priority,
      body_encoding: "base64",
      delivery_tag: options.deliveryTag ?? randomUUID(),
    },
  };
  return encodeKombuJson(envelope, options.jsonFlavor ?? "kombu5.3");
}
