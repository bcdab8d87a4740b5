import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import type { KombuJsonFlavor } from "../../codec/json/kombu-json.js";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { TransportEvent } from "../transport.js";
import { defaultRedisBackoff } from "./default-redis-backoff.js";
import { KOMBU_REDIS_DEFAULTS, type KombuRedisOptions } from "./kombu-redis-options.js";
import type { RedisBackoff, RedisTransportOptions } from "./redis-transport-options.js";

/** `RedisTransportOptions` with every default applied and every value checked. Frozen. */
export interface CompiledRedisOptions {
  readonly globalKeyprefix: string;
  readonly sep: string;
  readonly prioritySteps: readonly number[];
  readonly fanoutPrefix: boolean | string;
  readonly fanoutPatterns: boolean;
  readonly visibilityTimeout: number;
  readonly unackedKey: string;
  readonly unackedIndexKey: string;
  readonly unackedMutexKey: string;
  readonly unackedMutexExpire: number;
  readonly unackedRestoreLimit: number | null;
  /** Seconds between sweeps of `unacked` (kombu: `unacked_restore_interval × unacked_restore_throttle`, 10 × 10). */
  readonly restoreSweepSeconds: number;
  readonly queueOrderStrategy: "round_robin" | "sorted" | "priority";
  readonly deadletterQueue: string | null;
  readonly masterName: string | null;
  readonly sentinelUsername: string | null;
  readonly sentinelPassword: string | null;
  readonly connectTimeoutMs: number;
  readonly connectTimeoutSetting: string;
  readonly socketTimeoutMs: number | null;
  readonly keepAlive: boolean;
  readonly clientName: string | null;
  readonly backoff: RedisBackoff;
  readonly maxBufferedPublishes: number;
  readonly onEvent: (event: TransportEvent) => void;
  readonly brpopTimeout: number;
  readonly topicPatternFlavor: "kombu5.7" | "kombu5.3";
  readonly jsonFlavor: KombuJsonFlavor;
  readonly tls: TlsConnectionOptions | null;
}

const KNOWN_KOMBU_KEYS = new Set<string>([
  ...Object.keys(KOMBU_REDIS_DEFAULTS),
  "master_name",
  "sentinel_kwargs",
  "socket_connect_timeout",
  "socket_timeout",
  "socket_keepalive",
  "client_name",
  "ack_emulation",
  "body_encoding",
  "max_connections",
  "health_check_interval",
  "retry_on_timeout",
  "unacked_restore_interval",
  "unacked_restore_throttle",
  "polling_interval",
]);

/** Applies the defaults, rejects out-of-range or conflicting values (naming the option), and freezes the result. */
export function compileRedisOptions(options: RedisTransportOptions = {}): CompiledRedisOptions {
  const t: KombuRedisOptions = options.transportOptions ?? {};
  for (const key of Object.keys(t)) {
    if (!KNOWN_KOMBU_KEYS.has(key)) invalid(`transportOptions.${key}`, "is not a kombu Redis transport option this transport knows");
  }
  const d = KOMBU_REDIS_DEFAULTS;
  const steps = t.priority_steps ?? d.priority_steps;
  if (!Array.isArray(steps) || steps.length === 0 || steps.some((s) => !Number.isSafeInteger(s))) {
    invalid("transportOptions.priority_steps", "must be a non-empty list of integers");
  }
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] as number) <= (steps[i - 1] as number)) invalid("transportOptions.priority_steps", "must be strictly ascending");
  }
  const sep = t.sep ?? d.sep;
  if (typeof sep !== "string" || sep === "") invalid("transportOptions.sep", "must be a non-empty string");
  if (t.ack_emulation === false) invalid("transportOptions.ack_emulation", "false is not supported; only kombu's default ack emulation is implemented");
  if (t.body_encoding !== undefined && t.body_encoding !== "base64") invalid("transportOptions.body_encoding", 'only "base64" is supported');
  const fanoutPrefix = t.fanout_prefix ?? d.fanout_prefix;
  if (typeof fanoutPrefix === "string") checkFormat(fanoutPrefix);
  const strategy = t.queue_order_strategy ?? d.queue_order_strategy;
  if (!["round_robin", "sorted", "priority"].includes(strategy)) {
    invalid("transportOptions.queue_order_strategy", 'must be "round_robin", "sorted" or "priority"');
  }
  const maxBuffered = options.maxBufferedPublishes ?? 1000;
  if (!Number.isSafeInteger(maxBuffered) || maxBuffered < 0) invalid("maxBufferedPublishes", "must be an integer >= 0");
  const brpopTimeout = options.brpopTimeout ?? 1;
  if (!Number.isSafeInteger(brpopTimeout) || brpopTimeout < 1) invalid("brpopTimeout", "must be an integer number of seconds >= 1");
  const limit = t.unacked_restore_limit ?? d.unacked_restore_limit;
  if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1)) invalid("transportOptions.unacked_restore_limit", "must be an integer >= 1 or null");
  const onEvent = options.onEvent;
  return Object.freeze({
    globalKeyprefix: stringOption("global_keyprefix", t.global_keyprefix ?? d.global_keyprefix),
    sep,
    prioritySteps: Object.freeze([...steps]),
    fanoutPrefix,
    fanoutPatterns: t.fanout_patterns ?? d.fanout_patterns,
    visibilityTimeout: positive("transportOptions.visibility_timeout", t.visibility_timeout ?? d.visibility_timeout),
    unackedKey: stringOption("unacked_key", t.unacked_key ?? d.unacked_key),
    unackedIndexKey: stringOption("unacked_index_key", t.unacked_index_key ?? d.unacked_index_key),
    unackedMutexKey: stringOption("unacked_mutex_key", t.unacked_mutex_key ?? d.unacked_mutex_key),
    unackedMutexExpire: positive("transportOptions.unacked_mutex_expire", t.unacked_mutex_expire ?? d.unacked_mutex_expire),
    unackedRestoreLimit: limit,
    restoreSweepSeconds:
      positive("transportOptions.unacked_restore_interval", t.unacked_restore_interval ?? 10) *
      positive("transportOptions.unacked_restore_throttle", t.unacked_restore_throttle ?? 10),
    queueOrderStrategy: strategy,
    deadletterQueue: t.deadletter_queue ?? d.deadletter_queue,
    masterName: t.master_name ?? null,
    sentinelUsername: t.sentinel_kwargs?.username ?? null,
    sentinelPassword: t.sentinel_kwargs?.password ?? null,
    connectTimeoutMs: connectTimeoutMs(options, t),
    connectTimeoutSetting: options.connectTimeoutSetting ?? "connectTimeoutMs",
    socketTimeoutMs:
      t.socket_timeout === undefined || t.socket_timeout === null ? null : Math.round(positive("transportOptions.socket_timeout", t.socket_timeout) * 1000),
    keepAlive: t.socket_keepalive ?? true,
    clientName: t.client_name ?? null,
    backoff: options.backoff ?? defaultRedisBackoff,
    maxBufferedPublishes: maxBuffered,
    onEvent: (event: TransportEvent) => {
      try {
        onEvent?.(event);
      } catch {
        // A throwing listener must not break the transport's own bookkeeping.
      }
    },
    brpopTimeout,
    topicPatternFlavor: options.topicPatternFlavor ?? "kombu5.7",
    jsonFlavor: options.jsonFlavor ?? "kombu5.3",
    tls: options.tls ?? null,
  });
}

/** `connectTimeoutMs`, else kombu's `socket_connect_timeout` (seconds), else Celery's `broker_connection_timeout` (4 s). */
function connectTimeoutMs(options: RedisTransportOptions, t: KombuRedisOptions): number {
  if (options.connectTimeoutMs !== undefined) return Math.round(positive("connectTimeoutMs", options.connectTimeoutMs));
  const seconds = t.socket_connect_timeout;
  return seconds === undefined || seconds === null ? 4000 : Math.round(positive("transportOptions.socket_connect_timeout", seconds) * 1000);
}

function invalid(option: string, reason: string): never {
  throw new CeleryProtoError("InvalidOption", `${option} ${reason}`);
}

function stringOption(name: string, value: unknown): string {
  if (typeof value !== "string") invalid(`transportOptions.${name}`, "must be a string");
  return value;
}

function positive(option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) invalid(option, "must be a positive number");
  return value;
}

/** kombu `str.format`s a custom fanout prefix with `db` only: `{db}`, `{{` and `}}` are the only braces allowed. */
function checkFormat(prefix: string): void {
  if (/[{}]/.test(prefix.replace(/\{\{|\}\}|\{db\}/g, ""))) {
    invalid("transportOptions.fanout_prefix", "may contain no braces but {db}, {{ and }} (kombu formats it with the db number)");
  }
}
