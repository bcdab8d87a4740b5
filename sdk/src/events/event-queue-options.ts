import type { ReceiveEventsOptions } from "./event-receiver-options.js";

/** How an event receiver's queue is declared, from the app's `event_*` settings. */
export type EventQueueOptions = Pick<
  ReceiveEventsOptions,
  "exchange" | "queuePrefix" | "queueTtlSeconds" | "queueExpiresSeconds" | "queueExclusive" | "queueDurable"
>;

/** The app's `event_*` settings as receiver options, as Celery's `EventReceiver` reads them from app.conf (`celery events`, gossip). */
export function eventQueueOptionsOf(settings: {
  readonly event_exchange: string;
  readonly event_queue_prefix: string;
  readonly event_queue_ttl: number | null;
  readonly event_queue_expires: number | null;
  readonly event_queue_exclusive: boolean;
  readonly event_queue_durable: boolean;
}): EventQueueOptions {
  return {
    exchange: settings.event_exchange,
    queuePrefix: settings.event_queue_prefix,
    queueTtlSeconds: settings.event_queue_ttl,
    queueExpiresSeconds: settings.event_queue_expires,
    queueExclusive: settings.event_queue_exclusive,
    queueDurable: settings.event_queue_durable,
  };
}
