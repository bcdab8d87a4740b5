import type { AmqpPublish } from "../../../sdk/src/codec/amqp/encode-amqp-publish.js";
import type { SerializerName } from "../../../sdk/src/codec/body/content-types.js";
import { serializeBody } from "../../../sdk/src/codec/body/serialize-body.js";

/**
 * A worker's reply as kombu's `Mailbox._publish_reply` sends it: body `{<hostname>: <reply>}` to the request's
 * `reply_to` exchange (direct, transient) and routing key, headers `{ticket, clock}`, delivery mode 1.
 */
export function encodeControlReply(
  hostname: string,
  reply: unknown,
  where: { readonly exchange: string; readonly routingKey: string; readonly ticket: string | null; readonly clock: number; readonly serializer?: SerializerName },
): AmqpPublish {
  const serialized = serializeBody({ [hostname]: reply }, where.serializer ?? "json");
  return {
    exchange: where.exchange,
    routingKey: where.routingKey,
    body: serialized.body,
    properties: {
      content_type: serialized.contentType,
      content_encoding: serialized.contentEncoding,
      delivery_mode: 1,
      priority: 0,
      headers: { ticket: where.ticket, clock: where.clock },
    },
  };
}
