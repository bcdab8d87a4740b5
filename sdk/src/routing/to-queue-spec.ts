import type { BindingSetting, ExchangeSetting, ExchangeType, QueueSetting } from "../config/celery-settings.js";
import type { ExchangeSpec, QueueBindingSpec, QueueSpec } from "../transport/queue-spec.js";
import type { DeliveryModeSetting } from "./route-options.js";

/**
 * The extra keys of Celery's old dict form of `task_queues` that kombu's `Queue.from_dict` reads (besides the
 * `QueueSetting` ones): the exchange's own flags and the queue's, when they differ.
 */
export interface QueueDictSetting extends Omit<QueueSetting, "name"> {
  readonly exchange_durable?: boolean | null;
  readonly exchange_auto_delete?: boolean | null;
  readonly exchange_arguments?: Readonly<Record<string, unknown>> | null;
  readonly queue_durable?: boolean | null;
  readonly queue_auto_delete?: boolean | null;
  readonly delivery_mode?: DeliveryModeSetting | null;
}

/** kombu's `DELIVERY_MODES.get(m) or m`. */
export function toDeliveryMode(mode: DeliveryModeSetting | null | undefined): 1 | 2 | undefined {
  if (mode === "transient" || mode === 1) return 1;
  if (mode === "persistent" || mode === 2) return 2;
  return undefined;
}

/** A kombu `Exchange(name, type, ...)`: `null`/`""` name is the nameless exchange, the type defaults to direct. */
export function toExchangeSpec(exchange: string | ExchangeSetting | null | undefined, type?: ExchangeType | null): ExchangeSpec {
  if (exchange === null || exchange === undefined || typeof exchange === "string") return { name: exchange ?? "", type: type ?? "direct" };
  const deliveryMode = toDeliveryMode(exchange.delivery_mode);
  return {
    name: exchange.name ?? "",
    type: exchange.type ?? type ?? "direct",
    ...(exchange.durable !== undefined && exchange.durable !== null ? { durable: Boolean(exchange.durable) } : {}),
    ...(exchange.auto_delete !== undefined && exchange.auto_delete !== null ? { autoDelete: Boolean(exchange.auto_delete) } : {}),
    ...(deliveryMode !== undefined ? { deliveryMode } : {}),
    ...(exchange.arguments ? { arguments: exchange.arguments } : {}),
  };
}

/**
 * A kombu `Queue(name, exchange, routing_key, ...)` as a `QueueSpec`, before Celery's table fills in its defaults: the
 * exchange is `""` when none is given, the routing key `""` when none is given; `binding_key` stands for a missing
 * `routing_key`. A queue with `bindings` has no main exchange (null): Celery's table gives it the default exchange,
 * but kombu declares a bound copy (`Queue(**as_dict())`), which drops it again, so only the bindings are declared.
 */
export function queueSpecFromSetting(setting: QueueSetting): QueueSpec {
  const bindings = (setting.bindings ?? []).map(toBindingSpec);
  const exclusive = setting.exclusive ?? false;
  return {
    name: setting.name,
    exchange: bindings.length > 0 ? null : toExchangeSpec(setting.exchange, setting.exchange_type),
    // The JSON convention (conformance/python/reference/router_reference.py): routing_key.setdefault(binding_key).
    routingKey: (setting.routing_key !== undefined ? setting.routing_key : setting.binding_key) || "",
    durable: setting.durable ?? true,
    exclusive,
    // kombu: exclusive implies auto-delete.
    autoDelete: exclusive || (setting.auto_delete ?? false),
    ...queueOptionFields(setting),
    ...(bindings.length > 0 ? { bindings } : {}),
  };
}

/**
 * Celery's `Queues.add_compat(name, **options)`: the routing key defaults to `binding_key`, then to the queue name,
 * and kombu's `Queue.from_dict` builds the exchange from `exchange`, `exchange_type`, `delivery_mode`,
 * `exchange_durable` (else `durable`), `exchange_auto_delete` (else `auto_delete`) and `exchange_arguments`, and the
 * queue from `queue_durable` / `queue_auto_delete` (else `durable` / `auto_delete`) and the other kombu attributes.
 * When both are given, `binding_key` wins over `routing_key` (from_dict reads it first).
 */
export function queueSpecFromDict(name: string, options: QueueDictSetting): QueueSpec {
  const routingKey = options.routing_key === undefined || options.routing_key === null ? (options.binding_key ?? name) : options.routing_key;
  const bindingKey = options.binding_key || routingKey;
  const exchangeName = typeof options.exchange === "object" && options.exchange !== null ? options.exchange.name : options.exchange;
  const eDurable = options.exchange_durable ?? options.durable;
  const eAutoDelete = options.exchange_auto_delete ?? options.auto_delete;
  const deliveryMode = toDeliveryMode(options.delivery_mode);
  const exchange: ExchangeSpec = {
    name: exchangeName ?? "",
    type: options.exchange_type ?? "direct",
    ...(eDurable !== undefined && eDurable !== null ? { durable: Boolean(eDurable) } : {}),
    ...(eAutoDelete !== undefined && eAutoDelete !== null ? { autoDelete: Boolean(eAutoDelete) } : {}),
    ...(deliveryMode !== undefined ? { deliveryMode } : {}),
    ...(options.exchange_arguments ? { arguments: options.exchange_arguments } : {}),
  };
  const bindings = (options.bindings ?? []).map(toBindingSpec);
  const exclusive = options.exclusive ?? false;
  return {
    name,
    exchange: bindings.length > 0 ? null : exchange,
    routingKey: bindingKey ?? "",
    durable: options.queue_durable ?? options.durable ?? true,
    exclusive,
    autoDelete: exclusive || (options.queue_auto_delete ?? options.auto_delete ?? false),
    ...queueOptionFields(options),
    ...(bindings.length > 0 ? { bindings } : {}),
  };
}

function queueOptionFields(setting: Omit<QueueSetting, "name">): Partial<QueueSpec> {
  const fields: { -readonly [K in keyof QueueSpec]?: QueueSpec[K] } = {};
  if (setting.queue_arguments) fields.arguments = { ...setting.queue_arguments };
  if (setting.binding_arguments) fields.bindingArguments = setting.binding_arguments;
  // kombu converts seconds with float() and sends int(seconds * 1000).
  if (setting.expires !== undefined && setting.expires !== null) fields.expiresMs = Math.trunc(setting.expires * 1000);
  if (setting.message_ttl !== undefined && setting.message_ttl !== null) fields.messageTtlMs = Math.trunc(setting.message_ttl * 1000);
  if (setting.max_length !== undefined && setting.max_length !== null) fields.maxLength = Math.trunc(setting.max_length);
  if (setting.max_length_bytes !== undefined && setting.max_length_bytes !== null) fields.maxLengthBytes = Math.trunc(setting.max_length_bytes);
  if (setting.max_priority !== undefined && setting.max_priority !== null) fields.maxPriority = Math.trunc(setting.max_priority);
  if (setting.no_declare === true) fields.noDeclare = true;
  return fields;
}

function toBindingSpec(b: BindingSetting): QueueBindingSpec {
  return {
    exchange: toExchangeSpec(b.exchange),
    routingKey: b.routing_key ?? "",
    ...(b.arguments ? { arguments: b.arguments } : {}),
  };
}
