import type { AmqpPublish } from "../codec/amqp/encode-amqp-publish.js";
import type { RawTaskParts } from "../codec/task/raw-task-parts.js";
import type { ExchangeBindSpec, QueueBindSpec } from "./binding-spec.js";
import type { ExchangeSpec, QueueSpec } from "./queue-spec.js";

/** A message ready for the broker: exchange, routing key, serialized body and AMQP-named properties with headers. */
export type OutgoingMessage = AmqpPublish;

/** One message handed to a consumer. Settle it exactly once (unless consumed with `noAck`). */
export interface Delivery {
  readonly message: RawTaskParts;
  /** The queue it was consumed from. */
  readonly queue: string;
  ack(): Promise<void>;
  /** `requeue: true` puts it back on the queue (AMQP basic.reject requeue; Redis: restore to the list). */
  reject(requeue: boolean): Promise<void>;
}

export interface ConsumeOptions {
  /** Max unsettled deliveries (AMQP basic.qos prefetch_count; Redis: client-side). 0 = unlimited. */
  readonly prefetch: number;
  /** Deliveries need no ack (pidbox, events, RPC replies). Default false. */
  readonly noAck?: boolean;
  /**
   * AMQP: the `basic.qos` global flag for this consumer (true: the prefetch counts per channel; false: per consumer,
   * and RabbitMQ applies a later `basic.qos` only to consumers started after it). Default: the transport's `globalQos`
   * option. Other transports ignore it.
   */
  readonly globalQos?: boolean;
  /**
   * Redis (which fetches, where AMQP pushes): whether the caller is about to run out of deliveries to work on. While
   * it returns false a fetch waits until the prefetch window has room for half of itself (at most one fetch's worth),
   * so that one round trip brings many messages instead of the few settled since the last fetch; when it returns true
   * the fetch takes whatever room there is at once, as kombu does. Call `Consumer.starving()` when it turns true
   * without a delivery being settled. Default: always true.
   */
  readonly starving?: () => boolean;
}

/** A running consumer or subscription. */
export interface Consumer {
  cancel(): Promise<void>;
  /**
   * Changes the prefetch limit of this running consumer (AMQP: `basic.qos` again on its channel; Redis and memory:
   * the client-side limit). 0 = unlimited. Optional: consumers that cannot change it leave it out.
   */
  setPrefetch?(prefetch: number): Promise<void>;
  /** `ConsumeOptions.starving` turned true: a fetch waiting to batch goes now (Redis). */
  starving?(): void;
}

/**
 * Connection lifecycle, reported through the transports' `onEvent` (never as an unhandled `error` event).
 * `connect-retry` comes from `createTransport` with a retry policy: the broker could not be reached at start-up and
 * retry `retry` of `maxRetries` follows in `delayMs`. `restored` comes from a Redis transport's sweep of `unacked`: that
 * many deliveries left unacknowledged past `visibility_timeout` went back to their queues.
 */
export type TransportEvent =
  | { readonly type: "connected" }
  | { readonly type: "disconnected"; readonly error: Error | null }
  | { readonly type: "reconnecting"; readonly attempt: number; readonly delayMs: number }
  | { readonly type: "connect-retry"; readonly error: Error; readonly retry: number; readonly maxRetries: number; readonly delayMs: number }
  | { readonly type: "restored"; readonly restored: number }
  | { readonly type: "error"; readonly error: Error };

/**
 * The broker seam. Every implementation speaks kombu's layout for its broker, byte for byte, so Python
 * producers and consumers share queues with ours. Methods reject with `CeleryProtoError` (`TransportClosed`,
 * `Timeout`, ...) rather than emitting events.
 */
export interface Transport {
  readonly kind: "amqp" | "redis" | "memory";
  /**
   * False while the broker connection is lost and being re-established (operations wait for it meanwhile). Optional:
   * a transport without it counts as connected.
   */
  readonly isConnected?: boolean;
  /** Declares an exchange as kombu would (AMQP: exchange.declare; Redis: recorded in process, as kombu does). */
  declareExchange(exchange: ExchangeSpec): Promise<void>;
  /** Declares a queue, its exchange and the binding, exactly as kombu's `Queue.declare()`. Cached per connection. */
  declareQueue(queue: QueueSpec): Promise<void>;
  /**
   * AMQP only: `queue.bind` (kombu's `Queue.bind_to`). Remembered like declarations, so it is sent again after a
   * reconnect. Idempotent.
   */
  declareQueueBinding?(binding: QueueBindSpec): Promise<void>;
  /**
   * AMQP only: `exchange.bind`, an exchange-to-exchange binding (kombu's `Exchange.bind_to`). Remembered like
   * declarations, so it is sent again after a reconnect. Idempotent.
   */
  declareExchangeBinding?(binding: ExchangeBindSpec): Promise<void>;
  /**
   * AMQP only: kombu's `qos_semantics_matches_spec` for the broker connected to (the last one while reconnecting):
   * true unless it is RabbitMQ 3.3 to 3.x, which counts a `basic.qos` with `global=false` per consumer instead of per
   * channel. Celery sets `global=true` exactly when this is false. Undefined before the first connection.
   */
  readonly qosSemanticsMatchesSpec?: boolean;
  /**
   * Publishes one message. Resolves once the broker has it (AMQP: publisher confirm; Redis: LPUSH/PUBLISH reply).
   * Exchange `""` routes to the queue named by the routing key.
   */
  publish(message: OutgoingMessage): Promise<void>;
  /** Consumes from queues; `onDelivery` is called for each message, in broker order. */
  consume(queues: readonly string[], onDelivery: (delivery: Delivery) => void, options: ConsumeOptions): Promise<Consumer>;
  /** Removes all ready messages from a queue; resolves with how many were removed. */
  purge(queue: string): Promise<number>;
  deleteQueue(queue: string): Promise<void>;
  close(): Promise<void>;
}
