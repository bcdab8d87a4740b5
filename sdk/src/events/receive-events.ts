import { randomUUID } from "node:crypto";
import { encodeControlRequest } from "../control/encode-control-request.js";
import { pidboxExchange } from "../control/pidbox-entities.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Consumer, Delivery, Transport } from "../transport/transport.js";
import type { EventClock, EventReceiver, ReceiveEventsOptions, ReceivedEvent, ReceivedEventDelivery } from "./event-receiver-options.js";
import { eventReceiverQueue } from "./event-receiver-queue.js";
import { localizeEvent } from "./localize-event.js";

/**
 * Listens to Celery events as `EventReceiver` does (C:celery/events/receiver.py): declares `celeryev.<uuid4>` bound to
 * the `celeryev` exchange (topic on AMQP; fanout on Redis, i.e. PSUBSCRIBE `/<db>.celeryev/*`) with key `#`,
 * auto-delete, exclusive, `x-message-ttl` 5 s and `x-expires` 60 s, consumes it without acks, splits `task.multi`
 * batches into single events, localizes each (`timestamp`, `local_received`) and calls `onEvent` in arrival order.
 * Once listening it broadcasts `heartbeat` so that workers announce themselves at once. `onEvent` also gets the
 * message's routing key and `hostname` header.
 */
export async function receiveEvents(
  transport: Transport,
  onEvent: (event: ReceivedEvent, delivery: ReceivedEventDelivery) => void,
  options: ReceiveEventsOptions = {},
): Promise<EventReceiver> {
  // Loaded here, not at import: the event schemas' validators are large and only event consumers need them.
  const { decodeEventMessage } = await import("../codec/message/decode-event-message.js");
  const queue = eventReceiverQueue(transport.kind, randomUUID(), options);
  const accept = options.accept ?? ["json"];
  // The receiver's Lamport clock (`app.clock`): adjusted by each event's `clock`. Producers never sync theirs, so a
  // `task-sent` event's clock is replaced by ours minus one (CLIENT_CLOCK_SKEW); an event without one gets ours.
  const clock: EventClock = options.clock ?? ownClock();
  const localize = options.localize ?? true;
  const syncClock = (body: Record<string, unknown>): Record<string, unknown> => {
    const value = Number(body["clock"]);
    if (body["type"] === "task-sent") {
      body["clock"] = (clock.current || 1) - 1;
      clock.adjust(Number(body["clock"]));
    } else if (!("clock" in body) || !Number.isFinite(value)) body["clock"] = clock.forward();
    else clock.adjust(value);
    return body;
  };
  const onDelivery = (delivery: Delivery): void => {
    let decoded;
    try {
      decoded = decodeEventMessage(delivery.message, { accept });
    } catch (e) {
      options.onInvalidEvent?.(CeleryProtoError.from(e));
      return;
    }
    const now = Date.now() / 1000;
    const from: ReceivedEventDelivery = { routingKey: delivery.message.deliveryInfo?.routingKey ?? null, hostname: decoded.hostname };
    for (const event of decoded.events) {
      const body = syncClock({ ...event });
      onEvent((localize ? localizeEvent(body, now) : { ...body, local_received: now }) as ReceivedEvent, from);
    }
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

/** A Lamport clock of the receiver's own (`app.clock` of a process that only listens). */
function ownClock(): EventClock {
  let value = 0;
  return {
    get current() {
      return value;
    },
    adjust: (other) => (value = (Number.isFinite(other) ? Math.max(value, Math.trunc(other)) : value) + 1),
    forward: () => ++value,
  };
}
