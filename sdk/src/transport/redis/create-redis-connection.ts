import { Redis, type RedisOptions } from "ioredis";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { CompiledRedisOptions } from "./compile-redis-options.js";
import type { RedisServerEndpoint, RedisTarget } from "./parse-redis-url.js";

/** Which of the transport's connections this is; only the command connection reports its lifecycle. */
export type RedisConnectionRole = "commands" | "consumer" | "subscriber" | "tracking";

/**
 * Creates one ioredis connection (not yet connected: call `connect()`), configured the way the transport relies on:
 * RESP2 like redis-py, commands wait for reconnection instead of failing (publishes are bounded by the transport),
 * reconnection delays from `backoff`, failover lists tried in turn (kombu's round-robin failover), sentinels asked for
 * `master_name`. Every ioredis event is consumed here: errors become `{type: "error"}` events, never an unhandled
 * `error` emission.
 */
export function createRedisConnection(target: RedisTarget, options: CompiledRedisOptions, role: RedisConnectionRole): Redis {
  let attempt = 0;
  let serverIndex = 0;
  let client: Redis | undefined;
  const retryStrategy = (times: number): number | null => {
    attempt = times;
    if (target.kind === "servers" && target.servers.length > 1 && client !== undefined) {
      serverIndex = (serverIndex + 1) % target.servers.length;
      Object.assign(client.options, serverOptions(target.servers[serverIndex] as RedisServerEndpoint, options));
    }
    const delay = options.backoff(times);
    return delay === null ? null : Math.max(0, delay);
  };
  const common: RedisOptions = {
    lazyConnect: true,
    protocol: 2,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    // The tracking subscriber subscribes itself after each connection: it first needs its new `CLIENT ID`.
    autoResubscribe: role !== "tracking",
    connectTimeout: options.connectTimeoutMs,
    keepAlive: options.keepAlive ? 30_000 : 0,
    retryStrategy,
    ...(options.clientName === null ? {} : { connectionName: options.clientName }),
    ...(role === "commands" && options.socketTimeoutMs !== null ? { socketTimeout: options.socketTimeoutMs } : {}),
  };
  if (target.kind === "sentinel") {
    if (options.masterName === null) {
      throw new CeleryProtoError("InvalidOption", "transportOptions.master_name is required with sentinel:// URLs (the monitored master's name)");
    }
    const tls = target.tls === null && options.tls === null ? null : { ...target.tls, ...options.tls };
    client = new Redis({
      ...common,
      sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: options.masterName,
      role: "master",
      db: target.db,
      sentinelRetryStrategy: (times: number) => options.backoff(times),
      ...(target.username === null ? {} : { username: target.username }),
      ...(target.password === null ? {} : { password: target.password }),
      ...(options.sentinelUsername === null ? {} : { sentinelUsername: options.sentinelUsername }),
      ...(options.sentinelPassword === null ? {} : { sentinelPassword: options.sentinelPassword }),
      ...(tls === null ? {} : { tls, enableTLSForSentinelMode: true }),
    });
  } else {
    client = new Redis({ ...common, ...serverOptions(target.servers[0] as RedisServerEndpoint, options) });
  }
  wireEvents(client, options, role, () => attempt);
  return client;
}

function serverOptions(server: RedisServerEndpoint, options: CompiledRedisOptions): RedisOptions {
  const tls = server.tls === null && options.tls === null ? undefined : { ...server.tls, ...options.tls };
  return {
    host: server.kind === "tcp" ? server.host : undefined,
    port: server.kind === "tcp" ? server.port : undefined,
    path: server.kind === "socket" ? server.path : undefined,
    username: server.username ?? undefined,
    password: server.password ?? undefined,
    db: server.db,
    tls,
    ...(server.connectTimeout === null ? {} : { connectTimeout: Math.round(server.connectTimeout * 1000) }),
  };
}

function wireEvents(client: Redis, options: CompiledRedisOptions, role: RedisConnectionRole, attempt: () => number): void {
  const lifecycle = role === "commands";
  let lastError: Error | null = null;
  let wasReady = false;
  client.on("error", (error: Error) => {
    lastError = error;
    options.onEvent({
      type: "error",
      error: new CeleryProtoError("TransportClosed", `Redis ${role} connection: ${error.message}`, { cause: error }),
    });
  });
  client.on("ready", () => {
    wasReady = true;
    lastError = null;
    if (lifecycle) options.onEvent({ type: "connected" });
  });
  client.on("close", () => {
    if (lifecycle && wasReady) options.onEvent({ type: "disconnected", error: lastError });
    wasReady = false;
  });
  client.on("reconnecting", (delayMs: number) => {
    if (lifecycle) options.onEvent({ type: "reconnecting", attempt: attempt(), delayMs });
  });
}
