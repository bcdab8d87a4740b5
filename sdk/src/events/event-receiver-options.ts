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
