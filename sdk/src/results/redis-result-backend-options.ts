import { randomUUID } from "node:crypto";
import type { RedisOptions } from "ioredis";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { checkCount, checkReplyTo, checkSeconds } from "./check-option.js";

/** Options of `createRedisResultBackend` (client and worker). Every option has a Celery-compatible default. */
export interface RedisResultBackendOptions {
  /**
   * Celery's `result_backend_transport_options["global_keyprefix"]`. A `_` is appended unless it ends in one of
   * `:_-.`, exactly as Celery does. Default: none.
   */
  readonly globalKeyprefix?: string | null;
  /**
   * Celery's `result_expires` in seconds: the TTL of what the backend stores (task metas, saved groups), truncated to an integer
   * as Celery's `int()` does. `0` stores without a TTL (plain SET). Default `86400` (one day, Celery's default).
   */
  readonly resultExpiresSeconds?: number;
  /** Celery's `result_failure_expires`: the TTL of stored FAILURE metas (`storeResult`). Default: `resultExpiresSeconds`. */
  readonly failureExpiresSeconds?: number;
  /** Celery's `result_chord_expires` in seconds: the TTL of the chord size key `.s` and the counters. Default: `resultExpiresSeconds`. */
  readonly chordExpiresSeconds?: number;
  /**
   * `result_backend_transport_options.result_chord_ordered`: chord parts in a ZSET scored by group_index (true) or a
   * list (false). Every worker of one chord must agree. Default true.
   */
  readonly chordOrdered?: boolean;
  /** `result_chord_join_timeout`: bounds the dispatch claim (`max(5, 2 × this)` s) and the join of a saved header. Default 3. */
  readonly chordJoinTimeoutSeconds?: number;
  /**
   * Seconds the dispatch claim is extended to before the chord body is published: Celery's estimate of its publish
   * retry time with the default `task_publish_retry_policy` and `broker_connection_timeout` (4 s). Default 21.
   */
  readonly chordPublishClaimSeconds?: number;
  /** Most waits (`waitForReady`/`AsyncResult.get`) in flight at once; one more rejects with `BufferOverflow`. Default `10000`. */
  readonly maxPendingWaits?: number;
  /**
   * Ready metas kept in memory (received by pub/sub or read), so a result that arrived before anyone waited is not
   * lost even if its key is gone; least recently used dropped first. Default `8192` (Celery's message buffer size).
   */
  readonly maxBufferedResults?: number;
  /**
   * Most pub/sub subscriptions `onTaskCall` keeps for tasks nobody is waiting on yet; past it the oldest is dropped
   * (a later wait still finds the result: every wait subscribes, then GETs). Default `10000`.
   */
  readonly maxSubscriptions?: number;
  /** The `reply_to` this client's task messages carry (any stable id; Celery sends its app oid). Default: a new uuid4. */
  readonly replyTo?: string;
  /**
   * ioredis options for the command connection and the pub/sub one (opened on the first wait); the URL's host, port, db and password win over them. `autoResubscribe` is
   * managed by the backend (it re-subscribes and re-reads pending results itself). Default: ioredis's defaults.
   */
  readonly redisOptions?: Omit<RedisOptions, "autoResubscribe">;
  /** Connection errors ioredis reports while it reconnects by itself. Default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** `RedisResultBackendOptions` with every default applied, validated and frozen. */
export interface CompiledRedisResultBackendOptions {
  readonly globalKeyprefix: string | null;
  readonly resultExpiresSeconds: number;
  readonly failureExpiresSeconds: number;
  readonly chordExpiresSeconds: number;
  /** Celery's `_chord_result_expires`: `max(chord expires, result expires)`, or 0 when either is 0. */
  readonly chordResultExpiresSeconds: number;
  readonly chordOrdered: boolean;
  readonly chordJoinTimeoutSeconds: number;
  readonly chordPublishClaimSeconds: number;
  readonly maxPendingWaits: number;
  readonly maxBufferedResults: number;
  readonly maxSubscriptions: number;
  readonly replyTo: string;
  readonly redisOptions: Omit<RedisOptions, "autoResubscribe">;
  readonly onError: (error: Error) => void;
}

/** The defaults, as documented on each option (`replyTo` is generated per backend). */
export const DEFAULT_REDIS_RESULT_BACKEND_OPTIONS = Object.freeze({
  globalKeyprefix: null,
  resultExpiresSeconds: 86_400,
  chordOrdered: true,
  chordJoinTimeoutSeconds: 3,
  chordPublishClaimSeconds: 21,
  maxPendingWaits: 10_000,
  maxBufferedResults: 8_192,
  maxSubscriptions: 10_000,
});

/** Applies defaults and rejects out-of-range values with `InvalidOption` naming the option. */
export function compileRedisResultBackendOptions(options: RedisResultBackendOptions = {}): CompiledRedisResultBackendOptions {
  const d = DEFAULT_REDIS_RESULT_BACKEND_OPTIONS;
  const managed = options.redisOptions as RedisOptions | undefined;
  if (managed !== undefined && managed.autoResubscribe !== undefined) {
    throw new CeleryProtoError("InvalidOption", "redisOptions.autoResubscribe is managed by the result backend; remove it");
  }
  const resultExpiresSeconds = Math.trunc(checkSeconds(options.resultExpiresSeconds ?? d.resultExpiresSeconds, "resultExpiresSeconds"));
  const chordExpiresSeconds = Math.trunc(checkSeconds(options.chordExpiresSeconds ?? resultExpiresSeconds, "chordExpiresSeconds"));
  return Object.freeze({
    globalKeyprefix: options.globalKeyprefix ?? d.globalKeyprefix,
    resultExpiresSeconds,
    failureExpiresSeconds: Math.trunc(checkSeconds(options.failureExpiresSeconds ?? resultExpiresSeconds, "failureExpiresSeconds")),
    chordExpiresSeconds,
    chordResultExpiresSeconds: chordExpiresSeconds === 0 || resultExpiresSeconds === 0 ? 0 : Math.max(chordExpiresSeconds, resultExpiresSeconds),
    chordOrdered: options.chordOrdered ?? d.chordOrdered,
    chordJoinTimeoutSeconds: checkSeconds(options.chordJoinTimeoutSeconds ?? d.chordJoinTimeoutSeconds, "chordJoinTimeoutSeconds"),
    chordPublishClaimSeconds: Math.trunc(checkSeconds(options.chordPublishClaimSeconds ?? d.chordPublishClaimSeconds, "chordPublishClaimSeconds")),
    maxPendingWaits: checkCount(options.maxPendingWaits ?? d.maxPendingWaits, "maxPendingWaits", 1),
    maxBufferedResults: checkCount(options.maxBufferedResults ?? d.maxBufferedResults, "maxBufferedResults", 0),
    maxSubscriptions: checkCount(options.maxSubscriptions ?? d.maxSubscriptions, "maxSubscriptions", 0),
    replyTo: checkReplyTo(options.replyTo ?? randomUUID()),
    redisOptions: Object.freeze({ ...options.redisOptions }),
    onError: options.onError ?? (() => {}),
  });
}
