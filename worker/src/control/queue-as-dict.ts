import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { queueExchange, type QueueSpec } from "../../../sdk/src/transport/queue-spec.js";

/**
 * kombu's `Queue.as_dict(recurse=True)` for a queue declared from `spec` (what `active_queues` lists), key for key:
 * `name, exchange{...}, routing_key, queue_arguments, binding_arguments, consumer_arguments, durable, exclusive,
 * auto_delete, no_ack, alias, bindings, no_declare, expires, message_ttl, max_length, max_length_bytes, max_priority`.
 */
export function queueAsDict(spec: QueueSpec): Record<string, unknown> {
  const exchange = queueExchange(spec);
  const seconds = (ms: number | undefined): PyFloat | null => (ms === undefined ? null : new PyFloat(ms / 1000));
  const queueArguments = { ...(spec.queueType !== undefined ? { "x-queue-type": spec.queueType } : {}), ...spec.arguments };
  return {
    name: spec.name,
    exchange: {
      name: exchange?.name ?? "",
      type: exchange?.type ?? "direct",
      arguments: exchange?.arguments ?? null,
      durable: exchange?.durable ?? true,
      passive: false,
      auto_delete: exchange?.autoDelete ?? false,
      delivery_mode: exchange?.deliveryMode ?? null,
      no_declare: false,
    },
    routing_key: spec.routingKey ?? spec.name,
    queue_arguments: Object.keys(queueArguments).length > 0 ? queueArguments : null,
    binding_arguments: null,
    consumer_arguments: null,
    durable: spec.durable ?? true,
    exclusive: spec.exclusive ?? false,
    auto_delete: spec.autoDelete ?? false,
    no_ack: false,
    alias: null,
    bindings: [],
    no_declare: null,
    expires: seconds(spec.expiresMs),
    message_ttl: seconds(spec.messageTtlMs),
    max_length: null,
    max_length_bytes: null,
    max_priority: spec.maxPriority ?? null,
  };
}
