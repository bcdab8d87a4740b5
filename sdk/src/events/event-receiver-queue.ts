import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { QueueSpec } from "../transport/queue-spec.js";
import type { Transport } from "../transport/transport.js";
import type { ReceiveEventsOptions } from "./event-receiver-options.js";

/**
 * The queue Celery's `EventReceiver` declares (C:celery/events/receiver.py, 5.7 defaults from `event_*` settings):
 * `<event_queue_prefix>.<node id>` bound to the `celeryev` exchange (topic; fanout on Redis) with key `#`,
 * not durable, auto-delete, exclusive, `x-message-ttl` 5 s (`event_queue_ttl`), `x-expires` 60 s (`event_queue_expires`).
 * As Celery's `Queue(auto_delete=not queue_durable, durable=queue_durable, exclusive=queue_exclusive)`; exclusive
 * with durable is refused as Celery refuses it (InvalidOption).
 */
export function eventReceiverQueue(kind: Transport["kind"], nodeId: string, options: ReceiveEventsOptions = {}): QueueSpec {
  const ttl = options.queueTtlSeconds === undefined ? 5 : options.queueTtlSeconds;
  const expires = options.queueExpiresSeconds === undefined ? 60 : options.queueExpiresSeconds;
  const exclusive = options.queueExclusive ?? true;
  const durable = options.queueDurable ?? false;
  if (exclusive && durable)
    throw new CeleryProtoError(
      "InvalidOption",
      "event_queue_exclusive and event_queue_durable: Queue cannot be both exclusive and durable, choose one or the other.",
    );
  return {
    name: `${options.queuePrefix ?? "celeryev"}.${nodeId}`,
    exchange: { name: options.exchange ?? "celeryev", type: kind === "redis" ? "fanout" : "topic", durable: true, autoDelete: false },
    routingKey: options.routingKey ?? "#",
    durable,
    exclusive,
    autoDelete: !durable,
    ...(ttl !== null ? { messageTtlMs: ttl * 1000 } : {}),
    ...(expires !== null ? { expiresMs: expires * 1000 } : {}),
  };
}
