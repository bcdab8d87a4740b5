import type { AmqpPublish } from "../../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { encodeMessagePublish } from "../../../sdk/src/codec/message/encode-message-publish.js";
import type { ControlSerialization } from "../../../sdk/src/control/control-serialization.js";

/**
 * A worker's reply as kombu's `Mailbox._publish_reply` sends it: body `{<hostname>: <reply>}` to the request's
 * `reply_to` exchange (direct, transient) and routing key, headers `{ticket, clock}`, delivery mode 1.
 */
export function encodeControlReply(
  hostname: string,
  reply: unknown,
  where: {
    readonly exchange: string;
    readonly routingKey: string;
    readonly ticket: string | null;
    readonly clock: number;
  },
  serialization: Pick<ControlSerialization, "serializer" | "signer"> = {},
): AmqpPublish {
  return encodeMessagePublish(
    { [hostname]: reply },
    {
      exchange: where.exchange,
      routingKey: where.routingKey,
      headers: { ticket: where.ticket, clock: where.clock },
      deliveryMode: 1,
      serializer: serialization.serializer ?? "json",
      signer: serialization.signer,
    },
  );
}
