import type { AmqpPublish } from "../../../sdk/src/codec/amqp/encode-amqp-publish.js";
import type { SerializerName } from "../../../sdk/src/codec/body/content-types.js";
import { encodeMessagePublish } from "../../../sdk/src/codec/message/encode-message-publish.js";

/**
 * The publish of one event (an object) or one batch (a list, routing key `<group>.multi`) as Celery's dispatcher
 * sends it (C:celery/events/dispatcher.py `_publish`): headers `{hostname}`, transient (`delivery_mode` 1),
 * serialized with `event_serializer`.
 */
export function encodeEventPublish(
  body: Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[],
  where: { readonly exchange: string; readonly routingKey: string; readonly hostname: string; readonly serializer?: SerializerName },
): AmqpPublish {
  return encodeMessagePublish(body, {
    exchange: where.exchange,
    routingKey: where.routingKey,
    headers: { hostname: where.hostname },
    deliveryMode: 1,
    ...(where.serializer === undefined ? {} : { serializer: where.serializer }),
  });
}
