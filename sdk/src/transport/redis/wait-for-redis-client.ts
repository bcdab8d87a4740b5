import type { Redis } from "ioredis";
import { waitForReady } from "./wait-for-ready.js";

/** How long a Redis connection other than the broker's (result backend, beat lock) may take, and how errors name its settings. */
export interface RedisConnectWait {
  /** Time the connection may take, in ms. Default 4000 (Celery's `broker_connection_timeout`). */
  readonly connectTimeoutMs?: number;
  /** What sets `connectTimeoutMs`, as a timeout names it (a CLI passes its flag). Default `"connectTimeoutMs"`. */
  readonly connectTimeoutSetting?: string;
  /** What sets the URL, as a refused password or database names it (`--backend` → `... of the --backend URL`). */
  readonly urlSetting?: string;
  /** Aborting it stops waiting: the connection is closed and the wait rejects with `TransportClosed`. */
  readonly signal?: AbortSignal;
}

/** The default of `RedisConnectWait.connectTimeoutMs` (Celery's `broker_connection_timeout`). */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 4000;

/**
 * Resolves once `client` (an ioredis connection made from `url`, connecting or lazy) is ready, with the broker
 * connection's bounds and messages (`waitForReady`): refused or unreachable at once (`TransportClosed`), no answer within
 * `connectTimeoutMs` (`Timeout`), wrong credentials or database at once (`InvalidOption`, naming `urlSetting`). Every
 * message begins with `role` (`result backend: cannot connect to redis://...: ...`). On failure the connection is closed.
 */
export function waitForRedisClient(client: Redis, url: string, role: string, wait: RedisConnectWait & { readonly urlSetting: string }): Promise<void> {
  return waitForReady(client, {
    url,
    target: null,
    options: {
      connectTimeoutMs: wait.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      connectTimeoutSetting: wait.connectTimeoutSetting ?? "connectTimeoutMs",
    },
    signal: wait.signal,
    role,
    urlSetting: wait.urlSetting,
  });
}
