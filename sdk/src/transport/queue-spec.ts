/** An exchange as kombu declares it. kombu's defaults: durable, not auto-deleted. */
export interface ExchangeSpec {
  readonly name: string;
  readonly type: "direct" | "topic" | "fanout" | "headers";
  /** Default true. */
  readonly durable?: boolean;
  /** Default false. */
  readonly autoDelete?: boolean;
  /** 1 = transient (pidbox exchanges), 2 = persistent. Applied to messages published through it when unset. */
  readonly deliveryMode?: 1 | 2;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/**
 * A queue as kombu's `Queue(...)` declares it, with Celery's defaults: durable, not exclusive, not auto-deleted,
 * bound to a direct exchange of the same name with the queue name as routing key.
 */
export interface QueueSpec {
  readonly name: string;
  /** Default: `{ name: <queue name>, type: "direct" }`. `null` = no exchange/binding (default exchange only). */
  readonly exchange?: ExchangeSpec | null;
  /** Binding key. Default: the queue name. */
  readonly routingKey?: string;
  /** Default true. */
  readonly durable?: boolean;
  /** Default false. */
  readonly exclusive?: boolean;
  /** Default false. */
  readonly autoDelete?: boolean;
  /** `x-max-priority` (Celery's `task_queue_max_priority` / `Queue(max_priority=)`). */
  readonly maxPriority?: number;
  /** `x-queue-type` (`quorum` needs durable and no auto-delete). */
  readonly queueType?: "classic" | "quorum";
  /** `x-expires` in milliseconds. */
  readonly expiresMs?: number;
  /** `x-message-ttl` in milliseconds. */
  readonly messageTtlMs?: number;
  /** `x-max-length` (kombu's `Queue(max_length=)`). */
  readonly maxLength?: number;
  /** `x-max-length-bytes` (kombu's `Queue(max_length_bytes=)`). */
  readonly maxLengthBytes?: number;
  /**
   * Any further `x-` arguments (kombu's `queue_arguments`). The named options above win over the same key here, as
   * kombu's `to_rabbitmq_queue_arguments` lets `max_priority=` win over `queue_arguments={"x-max-priority": ...}`.
   */
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** Arguments of the main `queue.bind` (kombu's `binding_arguments`). */
  readonly bindingArguments?: Readonly<Record<string, unknown>>;
  /**
   * Further bindings, declared after the main one as kombu's `Queue(bindings=[binding(...), ...])` does: for each,
   * exchange.declare then queue.bind (Redis: one binding-table member each).
   */
  readonly bindings?: readonly QueueBindingSpec[];
  /** kombu's `no_declare`: never declare the queue, its exchange or its bindings (it must exist). Default false. */
  readonly noDeclare?: boolean;
}

/** One kombu `binding(exchange, routing_key, arguments)` of a queue. */
export interface QueueBindingSpec {
  readonly exchange: ExchangeSpec;
  /** Default `""`. */
  readonly routingKey?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** The queue arguments kombu sends for a spec (K:kombu/entity.py Queue + `to_rabbitmq_queue_arguments`). */
export function queueArguments(spec: QueueSpec): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (spec.expiresMs !== undefined) args["x-expires"] = Math.trunc(spec.expiresMs);
  if (spec.messageTtlMs !== undefined) args["x-message-ttl"] = Math.trunc(spec.messageTtlMs);
  if (spec.maxLength !== undefined) args["x-max-length"] = Math.trunc(spec.maxLength);
  if (spec.maxLengthBytes !== undefined) args["x-max-length-bytes"] = Math.trunc(spec.maxLengthBytes);
  if (spec.maxPriority !== undefined) args["x-max-priority"] = Math.trunc(spec.maxPriority);
  if (spec.queueType !== undefined) args["x-queue-type"] = spec.queueType;
  // kombu: dict(queue_arguments, **prepared) -- the named options win.
  return { ...spec.arguments, ...args };
}

/** The exchange a queue is bound to, with Celery's default (a direct exchange named after the queue). */
export function queueExchange(spec: QueueSpec): ExchangeSpec | null {
  if (spec.exchange === null) return null;
  return spec.exchange ?? { name: spec.name, type: "direct" };
}
