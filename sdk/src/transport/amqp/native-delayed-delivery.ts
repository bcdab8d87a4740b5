import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/**
 * RabbitMQ native delayed delivery as kombu 5.7 builds it (K:kombu/transport/native_delayed_delivery.py), the way
 * Celery >= 5.5 delays ETA and countdown tasks on quorum queues: a message published to the topic exchange
 * `celery_delayed_27` with a routing key spelling its delay in 28 binary digits waits in the TTL queue of every level
 * whose bit is 1 (2^level seconds) and is dead-lettered down to `celery_delayed_delivery`, which routes it by the rest
 * of the key to the exchanges bound with `#.<routing key>`.
 */
export const MAX_DELAY_BITS = 28;
/** The highest level (`celery_delayed_27`), where delayed messages are published. */
export const MAX_DELAY_LEVEL = MAX_DELAY_BITS - 1;

const DELAY_PREFIX = new RegExp(`^(?:[01]\\.){${MAX_DELAY_BITS}}`);

/** kombu's `level_name`: `celery_delayed_<level>`, or `<prefix>_celery_delayed_<level>`. */
export function delayedLevelName(level: number, prefix?: string | null): string {
  if (!Number.isInteger(level) || level < 0) throw new CeleryProtoError("InvalidOption", "level: must be a non-negative integer");
  return prefix ? `${prefix}_celery_delayed_${level}` : `celery_delayed_${level}`;
}

/** The exchange delayed messages end in: `celery_delayed_delivery`, or `<prefix>_celery_delayed_delivery`. */
export function delayedDeliveryExchangeName(prefix?: string | null): string {
  return prefix ? `${prefix}_celery_delayed_delivery` : "celery_delayed_delivery";
}

/**
 * kombu's `calculate_routing_key`: the countdown (whole seconds, >= 1) in binary, at least 28 digits, dot-separated,
 * then the routing key, from which a delay prefix an earlier retry left is removed first (kombu 5.7).
 */
export function calculateDelayedRoutingKey(countdown: number, routingKey: string): string {
  if (!Number.isInteger(countdown) || countdown < 1) throw new CeleryProtoError("InvalidOption", "countdown: must be a positive whole number of seconds");
  if (routingKey === "") throw new CeleryProtoError("InvalidOption", "routingKey: must be non-empty");
  const bits = countdown.toString(2).padStart(MAX_DELAY_BITS, "0");
  return `${bits.split("").join(".")}.${routingKey.replace(DELAY_PREFIX, "")}`;
}

/** One step of the topology, in the order kombu declares it. */
export type DelayedDeliveryDeclaration =
  | { readonly kind: "exchange"; readonly name: string; readonly type: "topic" }
  | { readonly kind: "queue"; readonly name: string; readonly arguments: Readonly<Record<string, string | number>> }
  | { readonly kind: "queue-binding"; readonly queue: string; readonly exchange: string; readonly routingKey: string }
  | { readonly kind: "exchange-binding"; readonly destination: string; readonly source: string; readonly routingKey: string };

/**
 * kombu's `declare_native_delayed_delivery_exchanges_and_queues`, as data: for each level from 27 down to 0 a topic
 * exchange and a queue (`x-queue-type`, `x-overflow: reject-publish`, `x-message-ttl: 2^level s`, dead-lettered to the
 * next level or, from level 0, to the delivery exchange; `x-dead-letter-strategy: at-least-once` on quorum queues)
 * bound with the key whose bit for the level is 1; then each level's exchange bound to the next with the key whose bit
 * is 0; then the delivery exchange, bound to level 0.
 */
export function nativeDelayedDeliveryTopology(queueType: "classic" | "quorum", prefix?: string | null): DelayedDeliveryDeclaration[] {
  if (queueType !== "classic" && queueType !== "quorum") {
    throw new CeleryProtoError("InvalidOption", "broker_native_delayed_delivery_queue_type: must be classic or quorum");
  }
  const out: DelayedDeliveryDeclaration[] = [];
  let routingKey = "1.#";
  for (let level = MAX_DELAY_LEVEL; level >= 0; level--) {
    const name = delayedLevelName(level, prefix);
    out.push({ kind: "exchange", name, type: "topic" });
    out.push({
      kind: "queue",
      name,
      arguments: {
        "x-queue-type": queueType,
        "x-overflow": "reject-publish",
        "x-message-ttl": 2 ** level * 1000,
        "x-dead-letter-exchange": level > 0 ? delayedLevelName(level - 1, prefix) : delayedDeliveryExchangeName(prefix),
        ...(queueType === "quorum" ? { "x-dead-letter-strategy": "at-least-once" } : {}),
      },
    });
    out.push({ kind: "queue-binding", queue: name, exchange: name, routingKey });
    routingKey = `*.${routingKey}`;
  }
  routingKey = "0.#";
  for (let level = MAX_DELAY_LEVEL; level > 0; level--) {
    out.push({ kind: "exchange-binding", destination: delayedLevelName(level - 1, prefix), source: delayedLevelName(level, prefix), routingKey });
    routingKey = `*.${routingKey}`;
  }
  const delivery = delayedDeliveryExchangeName(prefix);
  out.push({ kind: "exchange", name: delivery, type: "topic" });
  out.push({ kind: "exchange-binding", destination: delivery, source: delayedLevelName(0, prefix), routingKey });
  return out;
}

/**
 * kombu's `bind_queue_to_native_delayed_delivery_exchange` for one binding of a consumed queue: the queue's exchange
 * bound to the delivery exchange, and the queue to its exchange, both with `#.<routing key>` (a key already starting
 * with `#` as is). A direct exchange cannot take delayed messages: null (kombu logs a warning and skips it).
 */
export function delayedDeliveryBindings(
  binding: { readonly queue: string; readonly exchange: string; readonly exchangeType: string; readonly routingKey: string },
  prefix?: string | null,
): DelayedDeliveryDeclaration[] | null {
  if (binding.exchangeType === "direct") return null;
  const routingKey = binding.routingKey.startsWith("#") ? binding.routingKey : `#.${binding.routingKey}`;
  return [
    { kind: "exchange-binding", destination: binding.exchange, source: delayedDeliveryExchangeName(prefix), routingKey },
    { kind: "queue-binding", queue: binding.queue, exchange: binding.exchange, routingKey },
  ];
}
