import type { QueueSpec } from "../transport/queue-spec.js";
import type { Transport } from "../transport/transport.js";
import type { ReceiveEventsOptions } from "./event-receiver-options.js";

/**
 * The queue Celery's `EventReceiver` declares (C:celery/events/receiver.py, 5.7 defaults from `event_*` settings):
 * `<event_queue_prefix>.<node id>` bound to the `celeryev` exchange (topic; fanout on Redis) with key `#`,
 * not durable, auto-delete, exclusive, `x-message-ttl` 5 s (`event_queue_ttl`), `x-expires` 60 s (`event_queue_expires`).
 */
export function eventReceiverQueue(kind: Transport["kind"], nodeId: string, options: ReceiveEventsOptions = {}): QueueSpec {
  const ttl = options.queueTtlSeconds === undefined ? 5 : options.queueTtlSeconds;
  const expires = options.queueExpiresSeconds === undefined ? 60 : options.queueExpiresSeconds;
  return {
    name: `${options.queuePrefix ?? "celeryev"}.${nodeId}`,
    exchange: { name: options.exchange ?? "celeryev", type: kind === "redis" ? "fanout" : "topic", durable: true, autoDelete: false },
    routingKey: options.routingKey ?? "#",
    durable: false,
    exclusive: options.queueExclusive ?? true,
    autoDelete: true,
    ...(ttl !== null ? { messageTtlMs: ttl * 1000 } : {}),
    ...(expires !== null ? { expiresMs: expires * 1000 } : {}),
  };
}
