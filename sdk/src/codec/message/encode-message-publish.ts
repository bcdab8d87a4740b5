import type { AmqpPublish } from "../amqp/encode-amqp-publish.js";
import type { TaskSerializerName } from "../body/content-types.js";
import { serializePayload } from "../body/signed-body.js";
import type { MessageSigner } from "../../security/message-signing.js";

export interface MessagePublishOptions {
  readonly exchange: string;
  readonly routingKey: string;
  readonly headers: Readonly<Record<string, unknown>>;
  /** 1 = transient (events, pidbox replies), 2 = persistent (pidbox requests, as kombu sends them). */
  readonly deliveryMode: 1 | 2;
  /** Default json. `auth` signs the json body with `signer`. */
  readonly serializer?: TaskSerializerName;
  readonly signer?: MessageSigner | undefined;
}

/**
 * A non-task message (event, pidbox request or reply) as kombu's `Producer.publish` sends it: the serialized body
 * with its content type and encoding, priority 0, the given headers and delivery mode.
 */
export function encodeMessagePublish(body: unknown, options: MessagePublishOptions): AmqpPublish {
  const serialized = serializePayload(body, { serializer: options.serializer ?? "json", signer: options.signer });
  return {
    exchange: options.exchange,
    routingKey: options.routingKey,
    body: serialized.body,
    properties: {
      content_type: serialized.contentType,
      content_encoding: serialized.contentEncoding,
      delivery_mode: options.deliveryMode,
      priority: 0,
      headers: options.headers,
    },
  };
}
