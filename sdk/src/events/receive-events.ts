import { randomUUID } from "node:crypto";
import { encodeControlRequest } from "../control/encode-control-request.js";
import { pidboxExchange } from "../control/pidbox-entities.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Consumer, Delivery, Transport } from "../transport/transport.js";
import type { EventReceiver, ReceiveEventsOptions, ReceivedEvent } from "./event-receiver-options.js";
import { eventReceiverQueue } from "./event-receiver-queue.js";
import { localizeEvent } from "./localize-event.js";

/**
 * Listens to Celery events as `EventReceiver` does (C:celery/events/receiver.py): declares `celeryev.<uuid4>` bound to
 * the `celeryev` exchange (topic on AMQP; fanout on Redis, i.e. PSUBSCRIBE `/<db>.celeryev/*`) with key `#`,
 * auto-delete, exclusive, `x-message-ttl` 5 s and `x-expires` 60 s, consumes it without acks, splits `task.multi`
 * batches into single events, localizes each (`timestamp`, `local_received`) and calls `onEvent` in arrival order.
 * Once listening it broadcasts `heartbeat` so that workers announce themselves at once.
 */
export async function receiveEvents(transport: Transport, onEvent: (event: ReceivedEvent) => void, options: ReceiveEventsOptions = {}): Promise<EventReceiver> {
  // Loaded here, not at import: the event schemas' validators are large and only event consumers need them.
  const { decodeEventMessage } = await import("../codec/message/decode-event-message.js");
  const queue = eventReceiverQueue(transport.kind, randomUUID(), options);
  const accept = options.accept ?? ["json"];
  // The receiver's Lamport clock (`app.clock`): adjusted by each event's `clock`. Producers never sync theirs, so a
  // `task-sent` event's clock is replaced by ours minus one (CLIENT_CLOCK_SKEW); an event without one gets ours.
  let clock = 0;
  const syncClock = (body: Record<string, unknown>): Record<string, unknown> => {
    const value = Number(body["clock"]);
    if (body["type"] === "task-sent") body["clock"] = (clock || 1) - 1;
    else if (!("clock" in body) || !Number.isFinite(value)) {
      body["clock"] = ++clock;
      return body;
    }
    clock = Math.max(clock, Math.trunc(Number(body["clock"]))) + 1;
    return body;
  };
  const onDelivery = (delivery: Delivery): void => {
    let events;
    try {
      events = decodeEventMessage(delivery.message, { accept }).events;
    } catch (e) {
      options.onInvalidEvent?.(CeleryProtoError.from(e));
      return;
    }
    const now = Date.now() / 1000;
    for (const event of events) onEvent(localizeEvent(syncClock({ ...event }), now) as ReceivedEvent);
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
