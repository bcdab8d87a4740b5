/**
 * kombu's Redis transport options under kombu's own names, so a Celery `broker_transport_options` dict can be pasted
 * as is (K:kombu/transport/redis.py `Channel.from_transport_options`). Every option that changes a key or channel name
 * must be equal on every Python and TypeScript process sharing the broker.
 */
export interface KombuRedisOptions {
  /** Prepended to every key and PUB/SUB channel (lists, binding sets, `unacked*`, fanout channels). Default `""`. */
  readonly global_keyprefix?: string;
  /** Separator in priority list names (`queue + sep + step`) and binding members. Default `"\x06\x16"`. */
  readonly sep?: string;
  /** Ascending integer priority steps; each step is one list per queue. Default `[0, 3, 6, 9]`. */
  readonly priority_steps?: readonly number[];
  /**
   * Prefix of fanout channels: `true` = `"/{db}."` (kombu >= 4), `false` = `""` (kombu 3), or a custom string in
   * which `{db}` is replaced by the database number. Default `true`.
   */
  readonly fanout_prefix?: boolean | string;
  /** Append `"/" + routing key` to fanout channels, so subscribers can filter with patterns. Default `true`. */
  readonly fanout_patterns?: boolean;
  /** Seconds after which an unacknowledged delivery is restored by `restore_visible`. Default `3600`. */
  readonly visibility_timeout?: number;
  /** Hash of unacknowledged deliveries (tag → `[envelope, exchange, routing_key]`). Default `"unacked"`. */
  readonly unacked_key?: string;
  /** Sorted set of unacknowledged delivery tags scored by delivery time. Default `"unacked_index"`. */
  readonly unacked_index_key?: string;
  /** Lock taken while restoring visible messages. Default `"unacked_mutex"`. */
  readonly unacked_mutex_key?: string;
  /** Lock lifetime in seconds. Default `300`. */
  readonly unacked_mutex_expire?: number;
  /** Max tags restored per `restore_visible` call; `null` = all. Default `null`. */
  readonly unacked_restore_limit?: number | null;
  /** Queue cycle for BRPOP: `round_robin` rotates the last served queue to the end. Default `"round_robin"`. */
  readonly queue_order_strategy?: "round_robin" | "sorted" | "priority";
  /** Queue that receives messages no binding matched (kombu's `deadletter_queue`). Default `null` (dropped). */
  readonly deadletter_queue?: string | null;
  /** Sentinel only: the monitored master's name. Required with `sentinel://` URLs. No default. */
  readonly master_name?: string;
  /** Sentinel only: credentials for the sentinel nodes themselves. Default: none. */
  readonly sentinel_kwargs?: { readonly username?: string; readonly password?: string };
  /** Seconds one connection attempt may take (TCP connect and handshake); `connectTimeoutMs` wins over it. Default `4` (Celery's `broker_connection_timeout`). */
  readonly socket_connect_timeout?: number | null;
  /** Seconds before an unanswered command on the command connection drops it. Default `null` (none). */
  readonly socket_timeout?: number | null;
  /** TCP keep-alive (ioredis sends its first probe after 30 s). Default `true`. */
  readonly socket_keepalive?: boolean | null;
  /** `CLIENT SETNAME` for every connection. Default: none. */
  readonly client_name?: string | null;
  /** Must be `true` (the only mode implemented): deliveries are recorded in `unacked`. Default `true`. */
  readonly ack_emulation?: boolean;
  /** Must be `"base64"`, the only body encoding kombu's Redis transport writes. Default `"base64"`. */
  readonly body_encoding?: string;
  /** Accepted and ignored: connection pool and health-check knobs of redis-py with no ioredis equivalent. */
  readonly max_connections?: number;
  readonly health_check_interval?: number;
  readonly retry_on_timeout?: boolean | null;
  readonly unacked_restore_interval?: number;
  readonly unacked_restore_throttle?: number;
  readonly polling_interval?: number | null;
}

/** The kombu defaults, as kombu 5.7 ships them. */
export const KOMBU_REDIS_DEFAULTS = Object.freeze({
  global_keyprefix: "",
  sep: "\x06\x16",
  priority_steps: Object.freeze([0, 3, 6, 9]) as readonly number[],
  fanout_prefix: true as boolean | string,
  fanout_patterns: true,
  visibility_timeout: 3600,
  unacked_key: "unacked",
  unacked_index_key: "unacked_index",
  unacked_mutex_key: "unacked_mutex",
  unacked_mutex_expire: 300,
  unacked_restore_limit: null as number | null,
  queue_order_strategy: "round_robin" as "round_robin" | "sorted" | "priority",
  deadletter_queue: null as string | null,
});
