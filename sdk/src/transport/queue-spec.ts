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
  /** Any further `x-` arguments, passed through unchanged. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** The queue arguments kombu sends for a spec (K:kombu/entity.py Queue + `to_rabbitmq_queue_arguments`). */
export function queueArguments(spec: QueueSpec): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (spec.expiresMs !== undefined) args["x-expires"] = Math.trunc(spec.expiresMs);
  if (spec.messageTtlMs !== undefined) args["x-message-ttl"] = Math.trunc(spec.messageTtlMs);
  if (spec.maxPriority !== undefined) args["x-max-priority"] = spec.maxPriority;
  if (spec.queueType !== undefined) args["x-queue-type"] = spec.queueType;
  return { ...args, ...spec.arguments };
}

/** The exchange a queue is bound to, with Celery's default (a direct exchange named after the queue). */
export function queueExchange(spec: QueueSpec): ExchangeSpec | null {
  if (spec.exchange === null) return null;
  return spec.exchange ?? { name: spec.name, type: "direct" };
}
