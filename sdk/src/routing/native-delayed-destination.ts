import { parseIsoDateTime } from "../codec/time/iso-datetime.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Transport } from "../transport/transport.js";
import { calculateDelayedRoutingKey, delayedLevelName, MAX_DELAY_LEVEL } from "../transport/amqp/native-delayed-delivery.js";
import type { QueueTable } from "./create-queue-table.js";
import { detectQuorumQueue } from "./detect-quorum-queues.js";
import { tableQueueExchange } from "./resolve-destination.js";
import type { RoutedOptions } from "./route-options.js";

/** Where Celery publishes a delayed task on native delayed delivery: the topic exchange of the highest level. */
export const NATIVE_DELAYED_EXCHANGE = delayedLevelName(MAX_DELAY_LEVEL);

/** The delay of one `send_task` call, and the clock Celery reads it against (`app.now()`). */
export interface TaskDelay {
  readonly countdown?: number | undefined;
  readonly eta?: Date | string | null | undefined;
  readonly now: Date;
}

/** What Celery's native delayed delivery branch of `send_task` made of the routed options. */
export interface NativeDelayedRouting {
  /** The routed options for `resolveDestination`: unchanged, or without queue, to `celery_delayed_27`. */
  readonly routed: RoutedOptions;
  /**
   * The delay for the message's `eta` header. With an eta on a non-direct exchange Celery turns it into a countdown
   * and the header into `now + countdown`: the eta as an instant (a string eta is not sent as written).
   */
  readonly delay: { readonly countdown?: number | undefined; readonly eta?: Date | string | null | undefined };
  /** The direct exchange Celery warns about (`directExchangeWarning`), or null. */
  readonly directExchange: string | null;
}

/**
 * Celery 5.7's native delayed delivery in `app.send_task` (C:celery/app/base.py), after routing: with an eta or a
 * non-zero countdown, on RabbitMQ, when a queue of the table is a quorum queue (`detect_quorum_queues`, checked per
 * call: a missing queue created as quorum by this very call counts):
 * - the exchange type, routing key and exchange name are the routed queue's (the options' routing key and exchange
 *   are ignored) or, when a route named no queue, `options["exchange_type"]`, `["routing_key"]` and `["exchange"]`,
 *   which Celery reads without a default: a missing one is a KeyError, here `InvalidOption` with keyword `KeyError`;
 * - on a direct exchange nothing changes and Celery logs `directExchangeWarning`;
 * - otherwise an eta becomes the countdown `eta - now`; a countdown > 0 is cut to whole seconds (`int()`) and the task
 *   goes to `celery_delayed_27` with `calculate_routing_key(int(countdown), routing_key)`, the queue dropped (nothing is
 *   declared, not the exchange either, and the delivery mode no longer comes from the queue's exchange). A countdown
 *   in (0, 1) truncates to 0, which kombu refuses (ValueError "countdown must be a positive number"): `InvalidOption`
 *   here too. A countdown <= 0 (an eta in the past) publishes as usual.
 */
export function routeNativeDelayed(routed: RoutedOptions, table: QueueTable, transportKind: Transport["kind"], delay: TaskDelay): NativeDelayedRouting {
  const { countdown, eta } = delay;
  const unchanged: NativeDelayedRouting = { routed, delay: { countdown, eta }, directExchange: null };
  if (!isTruthy(eta) && !countdown) return unchanged;
  if (detectQuorumQueue(table, transportKind) === null) return unchanged;

  const queue = routed.queue;
  const exchange = queue === undefined ? undefined : tableQueueExchange(queue, table);
  const exchangeType = queue === undefined ? required(routed, "exchange_type") : exchange!.type;
  const routingKey = queue === undefined ? required(routed, "routing_key") : (queue.routingKey ?? "");
  const exchangeName = queue === undefined ? required(routed, "exchange") : exchange!.name;
  if (exchangeType === "direct") return { ...unchanged, directExchange: String(exchangeName) };

  let seconds = countdown;
  let messageDelay: NativeDelayedRouting["delay"] = unchanged.delay;
  if (isTruthy(eta)) {
    const micros = microsecondsBetween(eta, delay.now);
    seconds = micros / 1e6;
    // Celery's header is now + countdown: the eta's instant, whatever form it was given in.
    messageDelay = { countdown: undefined, eta: new Date(delay.now.getTime() + Math.round(micros / 1000)) };
  }
  if (!seconds || !(seconds > 0)) return { ...unchanged, delay: messageDelay };

  const whole = Math.trunc(seconds);
  if (whole < 1) {
    throw new CeleryProtoError(
      "InvalidOption",
      `countdown: ${seconds} s is under one second; on native delayed delivery (quorum queues) Celery 5.7 cuts the delay to whole seconds and refuses 0 (ValueError: countdown must be a positive number)`,
      { details: [{ path: "/countdown", keyword: "ValueError", message: "countdown must be a positive number" }] },
    );
  }
  if (!routingKey) {
    throw new CeleryProtoError(
      "InvalidOption",
      "routing_key: native delayed delivery needs a non-empty routing key (Celery 5.7: ValueError: routing_key must be non-empty)",
      { details: [{ path: "/routing_key", keyword: "ValueError", message: "routing_key must be non-empty" }] },
    );
  }
  const { queue: _dropped, ...rest } = routed;
  return {
    routed: { ...rest, routing_key: calculateDelayedRoutingKey(whole, String(routingKey)), exchange: NATIVE_DELAYED_EXCHANGE },
    delay: messageDelay,
    directExchange: null,
  };
}

/** Celery 5.7's warning (logged by `send_task`) for a delayed task routed to a direct exchange while quorum queues are in use. */
export function directExchangeWarning(exchange: string): string {
  return (
    "Direct exchanges are not supported with native delayed delivery.\n" +
    `${exchange} is a direct exchange but should be a topic exchange or a fanout exchange in order for native delayed delivery to work properly.\n` +
    "If quorum queues are used, this task may block the worker process until the ETA arrives."
  );
}

function isTruthy(eta: Date | string | null | undefined): eta is Date | string {
  return eta !== undefined && eta !== null && eta !== "";
}

function required(routed: RoutedOptions, key: "exchange_type" | "routing_key" | "exchange"): unknown {
  if (routed[key] !== undefined) return routed[key];
  throw new CeleryProtoError(
    "InvalidOption",
    `${key}: a countdown or eta on native delayed delivery (quorum queues) with a route that names no queue needs the route's ${key}; Celery 5.7 raises KeyError('${key}') here. Name a queue in the route (or give it exchange_type, routing_key and exchange)`,
    { details: [{ path: `/${key}`, keyword: "KeyError", message: `KeyError('${key}')` }] },
  );
}

/** `subtract_datetimes(eta, now)` in microseconds; a naive eta counts as UTC, as in Celery. */
function microsecondsBetween(eta: Date | string, now: Date): number {
  if (typeof eta !== "string") return (eta.getTime() - now.getTime()) * 1000;
  const parsed = parseIsoDateTime(eta, "eta");
  const wholeMs = parsed.date.getTime() - parsed.date.getUTCMilliseconds();
  return (wholeMs - now.getTime()) * 1000 + parsed.microsecond;
}
