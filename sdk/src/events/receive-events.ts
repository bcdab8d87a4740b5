import { randomUUID } from "node:crypto";
import { decodeEventMessage } from "../codec/message/decode-event-message.js";
import { encodeControlRequest } from "../control/encode-control-request.js";
import { pidboxExchange } from "../control/pidbox-entities.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { QueueSpec } from "../transport/queue-spec.js";
import type { Consumer, Delivery, Transport } from "../transport/transport.js";
import type { EventReceiver, ReceiveEventsOptions, ReceivedEvent } from "./event-receiver-options.js";
import { localizeEvent } from "./localize-event.js";

/**
 * Listens to Celery events as `EventReceiver` does (C:celery/events/receiver.py): declares `celeryev.<uuid4>` bound to
 * the `celeryev` exchange (topic on AMQP; fanout on Redis, i.e. PSUBSCRIBE `/<db>.celeryev/*`) with key `#`,
 * auto-delete, exclusive, `x-message-ttl` 5 s and `x-expires` 60 s, consumes it without acks, splits `task.multi`
 * batches into single events, localizes each (`timestamp`, `local_received`) and calls `onEvent` in arrival order.
 * Once listening it broadcasts `heartbeat` so that workers announce themselves at once.
 */
export async function receiveEvents(
  transport: Transport,
  onEvent: (event: ReceivedEvent) => void,
  options: ReceiveEventsOptions = {},
): Promise<EventReceiver> {
  const exchange = options.exchange ?? "celeryev";
  const exclusive = options.queueExclusive ?? true;
  const ttl = options.queueTtlSeconds === undefined ? 5 : options.queueTtlSeconds;
  const expires = options.queueExpiresSeconds === undefined ? 60 : options.queueExpiresSeconds;
  const queue: QueueSpec = {
    name: `${options.queuePrefix ?? "celeryev"}.${randomUUID()}`,
    exchange: { name: exchange, type: transport.kind === "redis" ? "fanout" : "topic", durable: true, autoDelete: false },
    routingKey: options.routingKey ?? "#",
    durable: false,
    exclusive,
    autoDelete: true,
    ...(ttl !== null ? { messageTtlMs: ttl * 1000 } : {}),
    ...(expires !== null ? { expiresMs: expires * 1000 } : {}),
  };
  const accept = options.accept ?? ["json"];
  const onDelivery = (delivery: Delivery): void => {
    let events;
    try {
      events = decodeEventMessage(delivery.message, { accept }).events;
    } catch (e) {
      options.onInvalidEvent?.(CeleryProtoError.from(e));
      return;
    }
    const now = Date.now() / 1000;
    for (const event of events) onEvent(localizeEvent({ ...event }, now) as ReceivedEvent);
  };
  await transport.declareQueue(queue);
  const consumer: Consumer = await transport.consume([queue.name], onDelivery, { prefetch: 0, noAck: true });
  if (options.wakeup ?? true) {
    const pidbox = pidboxExchange();
    await transport.declareExchange(pidbox);
    await transport.publish(encodeControlRequest({ method: "heartbeat", arguments: {}, clock: 1, exchange: pidbox.name }));
  }
  let stopped: Promise<void> | null = null;
  return {
    queue: queue.name,
    stop: () =>
      (stopped ??= (async () => {
        await consumer.cancel().catch(() => undefined);
        await transport.deleteQueue(queue.name).catch(() => undefined);
      })()),
  };
}
