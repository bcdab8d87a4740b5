import type { Redis } from "ioredis";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { abortedError } from "../connect-aborted-error.js";
import { describeConnectError, describeConnectTimeout } from "../describe-connect-error.js";
import { maskBrokerUrl } from "../mask-broker-url.js";
import { REDIS_TLS_SETTING_NAMES, describeTlsFailure, describeTlsReset } from "../tls/describe-tls-failure.js";
import type { CompiledRedisOptions } from "./compile-redis-options.js";
import { disconnectRedis } from "./disconnect-redis.js";
import type { RedisTarget } from "./parse-redis-url.js";

/** Where the first connection goes, for `waitForReady`'s bounds and messages. */
export interface ReadyTarget {
  readonly url: string;
  /** The URL as the transport parsed it (failover servers, sentinels); null: one server, as ioredis parsed `url`. */
  readonly target: RedisTarget | null;
  readonly options: Pick<CompiledRedisOptions, "connectTimeoutMs" | "connectTimeoutSetting">;
  readonly signal: AbortSignal | undefined;
  /** What the connection is for, when not the broker: begins every message (`result backend: cannot connect to ...`). */
  readonly role?: string;
  /** What the user sets the URL with, as a refusal names it. Default `"broker"` (`... of the broker URL`). */
  readonly urlSetting?: string;
}

/**
 * Connects a lazy ioredis connection (or follows one already connecting) and resolves once it is ready (kombu pings
 * when a channel opens). One attempt per server of the URL (failover lists are tried in turn), each bounded by
 * `connectTimeoutMs`; then it closes the
 * connection and rejects: `TransportClosed` (refused, unreachable, the backoff gave up), `Timeout` (no answer in time),
 * `InvalidOption` (Redis refused the URL's credentials or database, or the server's TLS certificate failed
 * verification). Messages name the URL (password masked) and the server's host and port.
 */
export function waitForReady(client: Redis, ready: ReadyTarget): Promise<void> {
  const { target, options, signal } = ready;
  const attempts = target?.kind === "servers" ? target.servers.length : 1;
  const prefix = `${ready.role === undefined ? "" : `${ready.role}: `}cannot connect to ${maskBrokerUrl(ready.url)}: `;
  const server = `the ${ready.role ?? "broker"}`;
  const urlName = `${ready.urlSetting ?? "broker"} URL`;
  const db = target?.db ?? client.options.db ?? 0;
  if (client.status === "ready") return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let failures = 0;
    let lastError: Error | null = null;
    let watchdog: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      clearTimeout(watchdog);
      client.off("ready", onReady);
      client.off("end", onEnd);
      client.off("error", onError);
      client.off("connecting", onConnecting);
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: CeleryProtoError): void => {
      cleanup();
      disconnectRedis(client);
      reject(error);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onEnd = (): void => {
      fail(
        new CeleryProtoError(
          "TransportClosed",
          `${prefix}${lastError === null ? "reconnection given up" : describeFailure(client, lastError, hostPort(client, target))}`,
          { cause: lastError },
        ),
      );
    };
    const onConnecting = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        const timeout = describeConnectTimeout(hostPort(client, target), options.connectTimeoutMs, options.connectTimeoutSetting, server);
        fail(new CeleryProtoError("Timeout", `${prefix}${timeout}`, { cause: lastError }));
      }, options.connectTimeoutMs);
    };
    const onAbort = (): void => fail(abortedError(ready.url));
    const onError = (error: Error): void => {
      lastError = error;
      const refusal = toRefusal(error, hostPort(client, target), db, urlName);
      if (refusal !== null) {
        fail(new CeleryProtoError("InvalidOption", `${prefix}${refusal}`, { cause: error }));
        return;
      }
      failures += 1;
      if (failures < attempts) return;
      const at = hostPort(client, target);
      const reason =
        (error as NodeJS.ErrnoException).code === "ETIMEDOUT"
          ? describeConnectTimeout(at, options.connectTimeoutMs, options.connectTimeoutSetting, server)
          : describeFailure(client, error, at);
      fail(new CeleryProtoError((error as NodeJS.ErrnoException).code === "ETIMEDOUT" ? "Timeout" : "TransportClosed", `${prefix}${reason}`, { cause: error }));
    };
    client.on("ready", onReady);
    client.on("end", onEnd);
    client.on("error", onError);
    client.on("connecting", onConnecting);
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    onConnecting();
    client.connect().catch(() => undefined);
  });
}

/** A reply that retrying cannot change (credentials, database, certificate), in words naming what to fix; else null. */
function toRefusal(error: Error, at: string, db: number, urlName: string): string | null {
  const message = error.message;
  const tls = describeTlsFailure(error, at, REDIS_TLS_SETTING_NAMES);
  if (tls !== null) return tls;
  if (/^NOAUTH/i.test(message)) return `${at} requires a password (${message}): put it in the ${urlName}, redis://:password@host:port/db`;
  if (/^WRONGPASS|invalid password|invalid username/i.test(message)) return `${at} refused the user or password of the ${urlName} (${message})`;
  if (/^NOPERM/i.test(message)) return `${at} refused a command to the ${urlName}'s user (${message})`;
  if (/DB index is out of range|invalid DB index/i.test(message))
    return `${at} has no database ${db} (${message}); the database is the ${urlName}'s path, /${db}`;
  return null;
}

/** A connection failure in words; a reset of a TLS connection names the client certificate a server may require. */
function describeFailure(client: Redis, error: Error, at: string): string {
  const tls = client.options.tls === undefined ? null : describeTlsReset(error, at, REDIS_TLS_SETTING_NAMES);
  return tls ?? describeConnectError(error, at);
}

/** The server the connection is trying now (ioredis's options follow the failover rotation). */
function hostPort(client: Redis, target: RedisTarget | null): string {
  if (target?.kind === "sentinel") return `the sentinels ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(", ")}`;
  const { host, port, path } = client.options;
  if (typeof path === "string" && path !== "") return path;
  const name = host ?? "localhost";
  return `${name.includes(":") ? `[${name}]` : name}:${port ?? 6379}`;
}
