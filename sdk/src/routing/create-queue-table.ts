import type { QueueSetting } from "../config/celery-settings.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ExchangeSpec, QueueSpec } from "../transport/queue-spec.js";
import type { RoutingSettings } from "./routing-settings.js";
import { type QueueDictSetting, queueSpecFromDict, queueSpecFromSetting } from "./to-queue-spec.js";

/** Celery's `app.amqp.queues`: queue name (or alias) ⇒ declaration, with Celery's defaults applied. */
export interface QueueTable {
  /** `AMQP.default_exchange`: `Exchange(task_default_exchange, task_default_exchange_type)`. */
  readonly defaultExchange: ExchangeSpec;
  /** `task_default_routing_key` (else the default queue's name). */
  readonly defaultRoutingKey: string;
  /** `task_default_queue`. */
  readonly defaultQueueName: string;
  /**
   * `queues[name]`: by alias first, then by name; a queue not in the table is created as Celery does
   * (`Queues.new_missing`) or, with `task_create_missing_queues` off, refused with `InvalidOption` ("Queue 'x'
   * missing from task_queues", Celery's `QueueNotFound`).
   */
  get(name: string): QueueSpec;
  /** The queue by alias or name, without creating it. */
  find(name: string): QueueSpec | undefined;
  /** Every queue in the table, in the order it was added. */
  list(): readonly QueueSpec[];
}

/**
 * Celery's `AMQP.Queues(task_queues)` + `Queues`: the default queue when `task_queues` is empty (`x-queue-type:
 * quorum` with `task_default_queue_type = "quorum"`), the default exchange for queues with none (or a nameless one),
 * the default routing key for queues with none, `x-max-priority` from `task_queue_max_priority` where the
 * `queue_arguments` set none, aliases, the old dict form through `add_compat`, and missing queues created with
 * `task_create_missing_queue_type` / `task_create_missing_queue_exchange_type`. `specs` are further queues already in
 * `QueueSpec` form (taken as kombu `Queue`s: their exchange and routing key are used as given, defaults included).
 */
export function createQueueTable(settings: RoutingSettings, specs: readonly QueueSpec[] = []): QueueTable {
  const defaultQueueName = settings.task_default_queue;
  const defaultExchange: ExchangeSpec = { name: settings.task_default_exchange ?? defaultQueueName ?? "", type: settings.task_default_exchange_type };
  const defaultRoutingKey = settings.task_default_routing_key ?? defaultQueueName ?? "";
  const maxPriority = settings.task_queue_max_priority;
  const queues = new Map<string, QueueSpec>();
  const aliases = new Map<string, QueueSpec>();

  const add = (spec: QueueSpec, alias?: string | null): QueueSpec => {
    let q = spec;
    if (q.exchange === undefined || (q.exchange !== null && q.exchange.name === "")) q = { ...q, exchange: defaultExchange };
    if (!q.routingKey) q = { ...q, routingKey: defaultRoutingKey };
    if (maxPriority !== null && !(q.arguments !== undefined && "x-max-priority" in q.arguments)) {
      q = { ...q, arguments: { ...q.arguments, "x-max-priority": maxPriority } };
    }
    // A dict keeps the first position of a name added again (Python's dict assignment).
    queues.set(q.name, q);
    if (alias) aliases.set(alias, q);
    return q;
  };

  const newMissing = (name: string): QueueSpec => {
    const type = settings.task_create_missing_queue_type;
    if (type !== "classic" && type !== "quorum") {
      throw new CeleryProtoError(
        "InvalidOption",
        `task_create_missing_queue_type: invalid queue type '${String(type)}'; valid types are 'classic' and 'quorum'`,
      );
    }
    const exchangeType = settings.task_create_missing_queue_exchange_type;
    return {
      name,
      exchange: { name, type: exchangeType || "direct" },
      routingKey: name,
      ...(type === "quorum" ? { arguments: { "x-queue-type": "quorum" } } : {}),
    };
  };

  const raw = settings.task_queues;
  const listed: { readonly spec: QueueSpec; readonly alias: string | null }[] = [];
  if (Array.isArray(raw)) {
    // Queues({q.name: q for q in queues}): a repeated name keeps its first position and its last declaration.
    const byName = new Map<string, QueueSetting>();
    for (const q of raw as readonly QueueSetting[]) byName.set(q.name, q);
    for (const q of byName.values()) listed.push({ spec: queueSpecFromSetting(q), alias: q.alias ?? null });
  } else if (raw !== null && raw !== undefined) {
    for (const [name, q] of Object.entries(raw as Readonly<Record<string, QueueDictSetting>>))
      listed.push({ spec: queueSpecFromDict(name, q), alias: q.alias ?? null });
  }
  for (const spec of specs)
    listed.push({
      spec: { ...spec, exchange: spec.exchange === undefined ? { name: spec.name, type: "direct" } : spec.exchange, routingKey: spec.routingKey ?? spec.name },
      alias: null,
    });
  if (listed.length === 0 && defaultQueueName) {
    listed.push({
      spec: {
        name: defaultQueueName,
        exchange: defaultExchange,
        routingKey: defaultRoutingKey,
        durable: true,
        exclusive: false,
        autoDelete: false,
        ...(settings.task_default_queue_type === "quorum" ? { arguments: { "x-queue-type": "quorum" } } : {}),
      },
      alias: null,
    });
  }
  for (const { spec, alias } of listed) add(spec, alias);

  const find = (name: string): QueueSpec | undefined => aliases.get(name) ?? queues.get(name);
  return {
    defaultExchange,
    defaultRoutingKey,
    defaultQueueName,
    find,
    get(name) {
      const found = find(name);
      if (found !== undefined) return found;
      if (!settings.task_create_missing_queues) {
        throw new CeleryProtoError("InvalidOption", `Queue '${name}' missing from task_queues (task_create_missing_queues is off)`, {
          details: [{ path: "/task_queues", keyword: "QueueNotFound", message: `Queue '${name}' missing from task_queues` }],
        });
      }
      return add(newMissing(name));
    },
    list: () => [...queues.values()],
  };
}
