import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { AmqpTransportOptions } from "./amqp/amqp-transport-options.js";
import { brokerFamily, brokerScheme } from "./broker-scheme.js";
import { abortedError } from "./connect-aborted-error.js";
import { compileConnectRetryPolicy, retryDelayMs, type CompiledConnectRetryPolicy } from "./connect-retry-policy.js";
import type { CreateTransportOptions } from "./create-transport-options.js";
import { maskBrokerUrl } from "./mask-broker-url.js";
import { MemoryTransport } from "./memory/memory-transport.js";
import type { RedisTransportOptions } from "./redis/redis-transport-options.js";
import type { Transport, TransportEvent } from "./transport.js";
import type { CelerySslSetting } from "./tls/celery-ssl-setting.js";
import { toAmqpTlsOptions } from "./tls/to-amqp-tls-options.js";
import { toRedisTlsOptions } from "./tls/to-redis-tls-options.js";

/** Celery's `broker_connection_timeout`, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 4000;

/**
 * Connects a transport for a broker URL as Celery users write them (`amqp://`, `redis://`, `sentinel://`, `memory://`).
 * Each broker's module is loaded when its URL is first used, so a Redis-only program never loads amqplib and an
 * AMQP-only one never loads ioredis.
 *
 * Every attempt is bounded by `connectTimeoutMs`. Without `retry` the first failure rejects: `TransportClosed`
 * (refused, unreachable), `Timeout` (no answer in time) or `InvalidOption` (credentials, vhost, database: the URL is
 * wrong), with a message naming the broker's host and port (password masked) and the setting that changes the wait.
 * With `retry`, unreachable brokers are retried as a Celery worker does at start-up, each retry reported as a
 * `connect-retry` event.
 */
export async function createTransport(url: string, options: CreateTransportOptions = {}): Promise<Transport> {
  const family = brokerFamily(url);
  if (family === "other") {
    throw new CeleryProtoError(
      "InvalidOption",
      `broker: unsupported URL scheme ${JSON.stringify(brokerScheme(url))} in ${JSON.stringify(maskBrokerUrl(url))}; use amqp://, amqps://, redis://, rediss://, sentinel:// or memory://`,
    );
  }
  if (family !== "redis" && options.transportOptions !== undefined) {
    throw new CeleryProtoError("InvalidOption", `transportOptions: only a Redis broker URL takes kombu transport options (not ${brokerScheme(url)}://)`);
  }
  const connectTimeoutMs = options.connectTimeoutMs;
  if (connectTimeoutMs !== undefined && !(Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0)) {
    throw new CeleryProtoError(
      "InvalidOption",
      `${options.settingNames?.connectTimeout ?? "connectTimeoutMs"}: must be a positive number (got ${String(connectTimeoutMs)})`,
    );
  }
  const ssl = options.brokerUseSsl;
  if (ssl !== undefined && typeof ssl !== "boolean" && (typeof ssl !== "object" || ssl === null || Array.isArray(ssl))) {
    throw new CeleryProtoError("InvalidOption", `${sslSettingName(options)}: expected true, false or an object of ssl options, got ${JSON.stringify(ssl)}`);
  }
  const policy = options.retry === undefined || options.retry === false ? null : compileConnectRetryPolicy(options.retry);
  if (family === "memory") return new MemoryTransport();
  const connectOnce = family === "amqp" ? connectAmqp : connectRedis;
  for (let retry = 0; ; retry++) {
    throwIfAborted(options.signal, url);
    const gate = createEventGate(options.onEvent);
    try {
      const transport = await abandonOnAbort(connectOnce(url, options, gate.onEvent), options.signal, url);
      gate.open();
      return transport;
    } catch (e) {
      gate.shut();
      throwIfAborted(options.signal, url);
      const error = CeleryProtoError.from(e, "TransportClosed");
      if (policy === null || !isRetryable(error)) throw error;
      if (retry >= policy.maxRetries) throw givenUp(error, retry, policy, options);
      const delayMs = retryDelayMs(policy, retry + 1);
      emit(options.onEvent, { type: "connect-retry", error, retry: retry + 1, maxRetries: policy.maxRetries, delayMs });
      await sleep(delayMs, options.signal);
    }
  }
}

type EventSink = (event: TransportEvent) => void;

/** `broker_use_ssl` when it turns TLS on, else null. */
function useSsl(options: CreateTransportOptions): CelerySslSetting | null {
  return options.brokerUseSsl === undefined || options.brokerUseSsl === false ? null : options.brokerUseSsl;
}

function sslSettingName(options: CreateTransportOptions): string {
  return options.settingNames?.brokerUseSsl ?? "brokerUseSsl";
}

async function connectAmqp(url: string, options: CreateTransportOptions, onEvent: EventSink): Promise<Transport> {
  const { createAmqpTransport } = await import("./amqp/create-amqp-transport.js");
  const ssl = useSsl(options);
  const amqp: AmqpTransportOptions = {
    url,
    ...(ssl === null ? {} : { useTls: true, tls: toAmqpTlsOptions(ssl, sslSettingName(options)) }),
    connectTimeoutMs: Math.max(1, Math.round(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS)),
    connectTimeoutSetting: options.settingNames?.connectTimeout ?? "connectTimeoutMs",
    onEvent,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  return createAmqpTransport(amqp);
}

async function connectRedis(url: string, options: CreateTransportOptions, onEvent: EventSink): Promise<Transport> {
  const { createRedisTransport } = await import("./redis/create-redis-transport.js");
  const ssl = useSsl(options);
  const redis: RedisTransportOptions = {
    transportOptions: options.transportOptions ?? {},
    ...(ssl === null ? {} : { tls: toRedisTlsOptions(ssl, `${sslSettingName(options)}.`) }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    connectTimeoutSetting: options.settingNames?.connectTimeout ?? "connectTimeoutMs",
    onEvent,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  return createRedisTransport(url, redis);
}

/** Refused, unreachable and timed-out attempts may succeed later; a wrong URL or option never does. */
function isRetryable(error: CeleryProtoError): boolean {
  return error.code === "TransportClosed" || error.code === "Timeout";
}

function givenUp(error: CeleryProtoError, retries: number, policy: CompiledConnectRetryPolicy, options: CreateTransportOptions): CeleryProtoError {
  const setting = options.settingNames?.maxRetries ?? "retry.maxRetries";
  return new CeleryProtoError(
    error.code,
    `${error.message} (gave up after ${retries} ${retries === 1 ? "retry" : "retries"}: ${setting} = ${policy.maxRetries})`,
    { cause: error },
  );
}

/**
 * Passes one attempt's events on: background `error`s only once it has connected (a failed attempt is reported by its
 * rejection), nothing at all from an attempt given up on.
 */
function createEventGate(onEvent: EventSink | undefined): { onEvent: EventSink; open(): void; shut(): void } {
  let state: "connecting" | "open" | "shut" = "connecting";
  return {
    onEvent: (event) => {
      if (state === "shut" || (state === "connecting" && event.type === "error")) return;
      emit(onEvent, event);
    },
    open: () => (state = "open"),
    shut: () => (state = "shut"),
  };
}

function emit(onEvent: EventSink | undefined, event: TransportEvent): void {
  try {
    onEvent?.(event);
  } catch {
    // A throwing listener must not stop the connection attempts.
  }
}

function throwIfAborted(signal: AbortSignal | undefined, url: string): void {
  if (signal?.aborted === true) throw abortedError(url);
}

/**
 * Settles with `attempt`, or rejects as soon as `signal` aborts; an attempt that still connects afterwards is closed.
 * (The transports also stop on the signal, but an AMQP handshake in flight only ends with its timeout.)
 */
function abandonOnAbort(attempt: Promise<Transport>, signal: AbortSignal | undefined, url: string): Promise<Transport> {
  if (signal === undefined) return attempt;
  return new Promise<Transport>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortedError(url));
      attempt.then((late) => late.close()).catch(() => undefined);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    attempt.then(
      (transport) => {
        signal.removeEventListener("abort", onAbort);
        resolve(transport);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, signal?.aborted === true ? 0 : ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
