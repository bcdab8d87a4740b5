import type { Redis } from "ioredis";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** Options of `createRedisResultStore`. Every default is Celery 5.7's. */
export interface RedisResultStoreOptions {
  /** The result backend URL (`redis://host:port/db`). Give this or `redis`. */
  readonly url?: string;
  /** A connected ioredis client to use instead of `url` (the store does not close it). */
  readonly redis?: Redis;
  /**
   * Time the store's own connection (from `url`) may take to connect, and each reconnection, in ms. Default 4000
   * (Celery's `broker_connection_timeout`; ioredis alone waits 10 s).
   */
  readonly connectTimeoutMs?: number;
  /** `result_extended`: add `name, args, kwargs, worker, retries, queue` (and stamps) to every meta. Default false. */
  readonly resultExtended?: boolean;
  /** `result_expires` in seconds (truncated to an integer); 0 stores without a TTL (SET). Default 86400. */
  readonly resultExpiresSeconds?: number;
  /** `result_failure_expires`: TTL of FAILURE metas. Default: `resultExpiresSeconds`. */
  readonly failureExpiresSeconds?: number;
  /** `result_chord_expires`: TTL of the chord counter keys. Default: `resultExpiresSeconds`. */
  readonly chordExpiresSeconds?: number;
  /** `result_backend_transport_options.global_keyprefix`. Default none. */
  readonly globalKeyprefix?: string | null;
  /**
   * `result_backend_transport_options.result_chord_ordered`: results in a ZSET scored by group_index (true) or a
   * list (false). Every worker of one chord must agree. Default true.
   */
  readonly chordOrdered?: boolean;
  /** `result_chord_join_timeout`: bounds the dispatch claim (`max(5, 2 × this)` s) and the join of a saved header. Default 3. */
  readonly chordJoinTimeoutSeconds?: number;
  /**
   * Seconds the dispatch claim is extended to before the body is published: Celery's estimate of its publish retry
   * time with the default `task_publish_retry_policy` and `broker_connection_timeout` (4 s). Default 21.
   */
  readonly chordPublishClaimSeconds?: number;
  /** `app.now()`: the clock of `date_done`. Default: the current time. */
  readonly now?: () => Date;
  /** Called with what Celery logs as warnings (a lost dispatch claim). Default: ignored. */
  readonly onWarning?: (message: string) => void;
}

export interface CompiledRedisResultStoreOptions {
  readonly connectTimeoutMs: number;
  readonly resultExtended: boolean;
  readonly resultExpiresSeconds: number;
  readonly failureExpiresSeconds: number;
  readonly chordExpiresSeconds: number;
  /** Celery's `_chord_result_expires`: `max(chord expires, result expires)`, or 0 when either is 0. */
  readonly chordResultExpiresSeconds: number;
  readonly globalKeyprefix: string | null;
  readonly chordOrdered: boolean;
  readonly chordJoinTimeoutSeconds: number;
  readonly chordPublishClaimSeconds: number;
  readonly now: () => Date;
  readonly onWarning: (message: string) => void;
}

export const DEFAULT_REDIS_RESULT_STORE_OPTIONS = Object.freeze({
  connectTimeoutMs: 4000,
  resultExtended: false,
  resultExpiresSeconds: 86_400,
  chordOrdered: true,
  chordJoinTimeoutSeconds: 3,
  chordPublishClaimSeconds: 21,
});

/** Applies the defaults; a negative or non-finite number is refused with `InvalidOption` naming the option. */
export function compileRedisResultStoreOptions(options: RedisResultStoreOptions): CompiledRedisResultStoreOptions {
  const d = DEFAULT_REDIS_RESULT_STORE_OPTIONS;
  const expires = seconds(options.resultExpiresSeconds ?? d.resultExpiresSeconds, "resultExpiresSeconds");
  const chordExpires = seconds(options.chordExpiresSeconds ?? expires, "chordExpiresSeconds");
  const connectTimeoutMs = options.connectTimeoutMs ?? d.connectTimeoutMs;
  if (typeof connectTimeoutMs !== "number" || !Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
    throw new CeleryProtoError("InvalidOption", `connectTimeoutMs: must be a positive number of milliseconds, got ${String(connectTimeoutMs)}`);
  }
  return Object.freeze({
    connectTimeoutMs,
    resultExtended: options.resultExtended ?? d.resultExtended,
    resultExpiresSeconds: expires,
    failureExpiresSeconds: seconds(options.failureExpiresSeconds ?? expires, "failureExpiresSeconds"),
    chordExpiresSeconds: chordExpires,
    chordResultExpiresSeconds: chordExpires === 0 || expires === 0 ? 0 : Math.max(chordExpires, expires),
    globalKeyprefix: options.globalKeyprefix ?? null,
    chordOrdered: options.chordOrdered ?? d.chordOrdered,
    chordJoinTimeoutSeconds: seconds(options.chordJoinTimeoutSeconds ?? d.chordJoinTimeoutSeconds, "chordJoinTimeoutSeconds", false),
    chordPublishClaimSeconds: seconds(options.chordPublishClaimSeconds ?? d.chordPublishClaimSeconds, "chordPublishClaimSeconds"),
    now: options.now ?? (() => new Date()),
    onWarning: options.onWarning ?? (() => {}),
  });
}

function seconds(value: number, name: string, truncate = true): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new CeleryProtoError("InvalidOption", `${name}: must be a finite number of seconds >= 0, got ${String(value)}`);
  }
  return truncate ? Math.trunc(value) : value;
}
