import type { CeleryProtoError } from "../errors/celery-proto-error.js";

/** One event as a receiver hands it over: the body's fields, localized as Celery's `EventReceiver` does. */
export interface ReceivedEvent {
  readonly type: string;
  readonly hostname: string;
  /** Epoch seconds, adjusted to this host's time zone (`adjust_timestamp`). */
  readonly timestamp: number;
  /** Epoch seconds when this receiver got it. */
  readonly local_received: number;
  readonly [field: string]: unknown;
}

/** Where an event came from: what Celery's worker-side consumers (gossip) read beside the body. */
export interface ReceivedEventDelivery {
  /** The message's routing key (`worker.heartbeat`, `task.multi`, ...), when the broker tells it. */
  readonly routingKey: string | null;
  /** The sender's node name from the `hostname` message header (protocol 2); null when absent. */
  readonly hostname: string | null;
}

/**
 * The Lamport clock events adjust (kombu's `LamportClock`, as the worker's `WorkerState.clock`): `adjust(other)` on an
 * event carrying a clock, `forward()` on one without.
 */
export interface EventClock {
  readonly current: number;
  adjust(other: number): number;
  forward(): number;
}

/** Options of {@link receiveEvents}; the defaults are Celery 5.7's `event_*` settings. */
export interface ReceiveEventsOptions {
  /** `event_exchange`. Default "celeryev". */
  readonly exchange?: string;
  /** `event_queue_prefix`: the queue is `<prefix>.<uuid4>`. Default "celeryev". */
  readonly queuePrefix?: string;
  /** Which events (binding key; `#` = all, `task.#` = task events). Default "#". */
  readonly routingKey?: string;
  /** `event_queue_ttl` in seconds (`x-message-ttl`). Default 5. */
  readonly queueTtlSeconds?: number | null;
  /** `event_queue_expires` in seconds (`x-expires`). Default 60. */
  readonly queueExpiresSeconds?: number | null;
  /** `event_queue_exclusive`. Default true. Not with `queueDurable`. */
  readonly queueExclusive?: boolean;
  /** `event_queue_durable`: durable and not auto-delete. Default false. Not with `queueExclusive`. */
  readonly queueDurable?: boolean;
  /** Broadcast the `heartbeat` control command once listening, so workers announce themselves. Default true. */
  readonly wakeup?: boolean;
  /**
   * Move each `timestamp` to this host's time zone (`event_from_message(localize=True)`). Celery's gossip reads them
   * unchanged (`localize=False`). Default true.
   */
  readonly localize?: boolean;
  /** The clock to keep in step with the events' clocks (a worker passes its own). Default: a clock of the receiver's own. */
  readonly clock?: EventClock;
  /** Serializers accepted. Default ["json"]. */
  readonly accept?: readonly string[];
  /** Messages that cannot be decoded are passed here and skipped. Default: ignored. */
  readonly onInvalidEvent?: (error: CeleryProtoError) => void;
}

/** A running receiver. */
export interface EventReceiver {
  /** The queue it consumes (`celeryev.<uuid>`). */
  readonly queue: string;
  stop(): Promise<void>;
}
