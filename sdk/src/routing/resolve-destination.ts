import type { ExchangeSpec, QueueSpec } from "../transport/queue-spec.js";
import type { QueueTable } from "./create-queue-table.js";
import type { RoutedOptions } from "./route-options.js";
import type { RoutingSettings } from "./routing-settings.js";
import { toDeliveryMode } from "./to-queue-spec.js";

/** Where `send_task_message` publishes a task, and what it declares first. */
export interface Destination {
  /** Exchange name; `""` is the default (nameless) exchange, which routes by queue name. */
  readonly exchange: string;
  /**
   * Routing key. `""` where Celery passes None (a route naming a direct exchange without queue or routing key, or a
   * non-direct exchange without routing key): kombu's `Producer.publish` then uses the producer's routing key, `""`.
   */
  readonly routingKey: string;
  /** The queue to declare before publishing (Celery's `declare=[queue]`), or null. */
  readonly queue: QueueSpec | null;
  /** The queue's name as the `task-sent` event reports it (`qname`), or null. */
  readonly queueName: string | null;
  /**
   * The message priority, when the options or the route set one; null when the options hold Celery's `priority=None`
   * and reached `send_task_message` with it (a named queue, no matching route: the router's `lpmerge` drops a None
   * only when it merges the options over a route or the default queue); undefined for none (kombu's default 0).
   */
  readonly priority: number | null | undefined;
  /** kombu's delivery mode: the options', else the queue exchange's, else `task_default_delivery_mode` (else 2). */
  readonly deliveryMode: 1 | 2;
}

/**
 * Celery's `send_task_message` routing rules (celery/app/amqp.py) applied to routed options:
 * - no queue and no exchange: the default queue (`amqp.default_queue`, looked up in the table);
 * - the delivery mode: the options', else the queue exchange's `delivery_mode`, else `task_default_delivery_mode`;
 * - the exchange type: the options' `exchange_type`, else the queue exchange's, else direct;
 * - `(not exchange or not routing_key) and exchange_type == 'direct'`: the default exchange `""` with the queue's
 *   name as routing key (`""` without a queue -- Celery really publishes so);
 * - otherwise, without an exchange: the queue's exchange (else the default exchange) and `routing_key or
 *   queue.routing_key or task_default_routing_key`;
 * - otherwise the exchange and routing key as given (`""` when none).
 */
export function resolveDestination(routed: RoutedOptions, table: QueueTable, settings: RoutingSettings): Destination {
  let queue: QueueSpec | null = routed.queue ?? null;
  let exchange: string | null | undefined = routed.exchange;
  let routingKey: string | null | undefined = routed.routing_key;
  if (queue === null && (exchange === null || exchange === undefined)) queue = table.get(table.defaultQueueName);
  const queueName = queue === null ? null : queue.name;
  const queueExchange = queue === null ? null : tableQueueExchange(queue, table);

  const deliveryMode = toDeliveryMode(routed.delivery_mode) ?? queueExchange?.deliveryMode ?? toDeliveryMode(settings.task_default_delivery_mode) ?? 2;
  const exchangeType = routed.exchange_type ?? (queue === null ? "direct" : (queueExchange?.type ?? "direct"));

  if ((!exchange || !routingKey) && exchangeType === "direct") {
    exchange = "";
    routingKey = queueName;
  } else if (exchange === null || exchange === undefined) {
    // Only reached with a queue (the default queue stands in for a missing one).
    exchange = queueExchange?.name || table.defaultExchange.name;
    routingKey = routingKey || queue?.routingKey || table.defaultRoutingKey;
  }
  return {
    exchange,
    routingKey: routingKey ?? "",
    queue,
    queueName,
    priority: typeof routed.priority === "number" || routed.priority === null ? routed.priority : undefined,
    deliveryMode,
  };
}

/**
 * The exchange of a routed queue as Celery's table holds it (`queue.exchange`): a queue without a main exchange (null:
 * one with `bindings`) has the default exchange there; a spec that leaves it out, the direct exchange of its name.
 */
export function tableQueueExchange(queue: QueueSpec, table: QueueTable): ExchangeSpec {
  return queue.exchange === undefined ? { name: queue.name, type: "direct" } : (queue.exchange ?? table.defaultExchange);
}
