import type { ExchangeSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";

/**
 * The event exchange as Celery declares it (C:celery/events/event.py `get_exchange`): `celeryev`, topic and durable,
 * except on Redis where it is a fanout exchange (events travel over PUB/SUB).
 */
export function eventExchange(kind: Transport["kind"], name = "celeryev"): ExchangeSpec {
  return { name, type: kind === "redis" ? "fanout" : "topic", durable: true, autoDelete: false };
}
