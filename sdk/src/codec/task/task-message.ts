import type { Signature, TaskHeadersV2, TaskProperties } from "../../gen/json-schema/types.js";

/** Where a consumed message came from on the broker (AMQP `basic.deliver` fields / kombu's `delivery_info`). */
export interface DeliveryInfo {
  readonly exchange: string;
  readonly routingKey: string;
  readonly priority?: number | null;
  readonly redelivered?: boolean;
}

/** The canvas pieces a task message carries (protocol 2 `embed`). `chain` is in reverse order: next is last. */
export interface TaskEmbed {
  readonly callbacks: readonly Signature[] | null;
  readonly errbacks: readonly Signature[] | null;
  readonly chain: readonly Signature[] | null;
  readonly chord: Signature | null;
}

/**
 * A task message, decoded and normalised to protocol 2 whatever it arrived as. `headers` and `properties` are the
 * wire values (strings stay strings, so re-encoding is exact); `eta`/`expires` are those headers parsed.
 * `args`/`kwargs` hold decoded values (kombu type wrappers become Date, Uint8Array, Py* values).
 */
export interface TaskMessage {
  /** The protocol the message was written in: 2, 1 (body dict), or "hybrid" (v2 headers with a v1 body dict). */
  readonly protocol: 1 | 2 | "hybrid";
  readonly headers: TaskHeadersV2;
  readonly properties: TaskProperties;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly embed: TaskEmbed;
  readonly eta: Date | null;
  readonly expires: Date | null;
  /** Set when the message was consumed from a broker (or decoded from a Redis envelope). */
  readonly deliveryInfo: DeliveryInfo | null;
  /** The kombu delivery tag of a Redis envelope (a uuid4 chosen by the publisher). */
  readonly deliveryTag: string | null;
}
