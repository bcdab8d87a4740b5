import type { ConnectionOptions } from "node:tls";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { TransportEvent } from "../transport.js";
import { createExponentialBackoff, type BackoffFunction } from "./exponential-backoff.js";
import { parseAmqpUrl, type AmqpEndpoint } from "./parse-amqp-url.js";

/** Options of {@link createAmqpTransport}. Only `url` is required. */
export interface AmqpTransportOptions {
  /**
   * The broker URL as Celery users write it (`broker_url`): `amqp://user:password@host:port/vhost`, `amqps://...`
   * (TLS), `pyamqp://` and `librabbitmq://` (= `amqp://`); several separated by `;` are failover alternates, tried
   * in turn and round-robin on reconnect. kombu's defaults: guest/guest, localhost, 5672 (5671 for amqps), vhost `/`.
   */
  readonly url: string;
  /** TLS options for `amqps://` endpoints, passed to `tls.connect` (ca, cert, key, servername, ...). Default none. */
  readonly tls?: ConnectionOptions;
  /**
   * TLS for every endpoint, `amqp://` ones too (their default port becomes 5671), as Celery's `broker_use_ssl` does
   * with kombu. Default false: TLS for `amqps://` only.
   */
  readonly useTls?: boolean;
  /** AMQP heartbeat in seconds; 0 disables. Default 60 (Celery's `broker_heartbeat` is 120). */
  readonly heartbeatSeconds?: number;
  /** Time allowed for TCP/TLS connect plus the AMQP handshake, in ms. Default 4000 (Celery's `broker_connection_timeout`). */
  readonly connectTimeoutMs?: number;
  /** What connection errors call `connectTimeoutMs` (a CLI passes its flag). Default `"connectTimeoutMs"`. */
  readonly connectTimeoutSetting?: string;
  /** Aborting it while `createAmqpTransport()` connects closes the transport, which then rejects. Default none. */
  readonly signal?: AbortSignal;
  /** Delay before reconnect attempt n (1-based). Default `createExponentialBackoff()`: 100 ms doubling to 10 s, 20% jitter. */
  readonly backoff?: BackoffFunction;
  /** Reconnect attempts after a connection loss before the transport gives up and closes. Default Infinity. */
  readonly maxReconnectAttempts?: number;
  /**
   * Connection attempts `createAmqpTransport()` makes before it rejects with `TransportClosed`. Default: the number
   * of URLs (each alternate once), so a wrong URL fails fast.
   */
  readonly initialConnectAttempts?: number;
  /**
   * Publishes held while there is no connection (or while the socket is back-pressured). A publish beyond it
   * rejects at once with `BufferOverflow`. Default 10000.
   */
  readonly maxBufferedPublishes?: number;
  /** Publisher confirms: `publish()` resolves on the broker's ack. Default true. With false it resolves once written. */
  readonly confirms?: boolean;
  /**
   * Re-send messages whose confirm was lost with the connection, after reconnecting (at-least-once, like Celery's
   * publish retry: the broker may already have had them, so duplicates are possible). With false they reject with
   * `TransportClosed`. Default true.
   */
  readonly republishUnconfirmed?: boolean;
  /**
   * `basic.qos` global flag, unless a `consume()` call gives its own (`ConsumeOptions.globalQos`, as the worker does
   * with Celery's decision). `"auto"`: as Celery 5.7 decides from the connected broker (`not
   * qos_semantics_matches_spec`): per channel (`global=true`) on RabbitMQ 3.3 to 3.x, per consumer on 4.0 and later
   * (and on any other broker); also per consumer when a consumed queue was declared here as a quorum queue, or was
   * refused global QoS, which quorum queues do not support. Default "auto".
   */
  readonly globalQos?: "auto" | boolean;
  /** How long `close()` waits for unconfirmed and buffered publishes, in ms. Default 10000. */
  readonly closeTimeoutMs?: number;
  /** `connection_name` client property shown in the RabbitMQ management UI. Default "celery-proto". */
  readonly connectionName?: string;
  /** Lifecycle and background errors. Never an unhandled `error` event. Default none. */
  readonly onEvent?: (event: TransportEvent) => void;
}

/** The defaults of {@link AmqpTransportOptions}. */
export const DEFAULT_AMQP_TRANSPORT_OPTIONS = Object.freeze({
  heartbeatSeconds: 60,
  connectTimeoutMs: 4000,
  maxReconnectAttempts: Infinity,
  maxBufferedPublishes: 10_000,
  confirms: true,
  republishUnconfirmed: true,
  globalQos: "auto" as const,
  closeTimeoutMs: 10_000,
  connectionName: "celery-proto",
});

/** Options with defaults applied, validated and frozen. */
export interface CompiledAmqpTransportOptions {
  readonly endpoints: readonly AmqpEndpoint[];
  readonly tls: ConnectionOptions | undefined;
  readonly heartbeatSeconds: number;
  readonly connectTimeoutMs: number;
  readonly connectTimeoutSetting: string;
  readonly signal: AbortSignal | undefined;
  readonly backoff: BackoffFunction;
  readonly maxReconnectAttempts: number;
  readonly initialConnectAttempts: number;
  readonly maxBufferedPublishes: number;
  readonly confirms: boolean;
  readonly republishUnconfirmed: boolean;
  readonly globalQos: "auto" | boolean;
  readonly closeTimeoutMs: number;
  readonly connectionName: string;
  readonly onEvent: ((event: TransportEvent) => void) | undefined;
}

/** Applies the defaults and refuses bad values with `InvalidOption` naming the option. */
export function compileAmqpTransportOptions(options: AmqpTransportOptions): CompiledAmqpTransportOptions {
  if (typeof options.url !== "string") throw new CeleryProtoError("InvalidOption", "url: a broker URL string is required");
  const endpoints = parseAmqpUrl(options.url, { tls: options.useTls === true });
  const d = DEFAULT_AMQP_TRANSPORT_OPTIONS;
  const compiled: CompiledAmqpTransportOptions = {
    endpoints,
    tls: options.tls,
    heartbeatSeconds: count("heartbeatSeconds", options.heartbeatSeconds ?? d.heartbeatSeconds, 0),
    connectTimeoutMs: count("connectTimeoutMs", options.connectTimeoutMs ?? d.connectTimeoutMs, 1),
    connectTimeoutSetting: options.connectTimeoutSetting ?? "connectTimeoutMs",
    signal: options.signal,
    backoff: options.backoff ?? createExponentialBackoff(),
    maxReconnectAttempts: count("maxReconnectAttempts", options.maxReconnectAttempts ?? d.maxReconnectAttempts, 0),
    initialConnectAttempts: count("initialConnectAttempts", options.initialConnectAttempts ?? endpoints.length, 1),
    maxBufferedPublishes: count("maxBufferedPublishes", options.maxBufferedPublishes ?? d.maxBufferedPublishes, 0),
    confirms: options.confirms ?? d.confirms,
    republishUnconfirmed: options.republishUnconfirmed ?? d.republishUnconfirmed,
    globalQos: options.globalQos ?? d.globalQos,
    closeTimeoutMs: count("closeTimeoutMs", options.closeTimeoutMs ?? d.closeTimeoutMs, 0),
    connectionName: options.connectionName ?? d.connectionName,
    onEvent: options.onEvent,
  };
  if (typeof compiled.backoff !== "function") throw new CeleryProtoError("InvalidOption", "backoff: must be a function (attempt) => milliseconds");
  if (compiled.globalQos !== "auto" && typeof compiled.globalQos !== "boolean")
    throw new CeleryProtoError("InvalidOption", 'globalQos: must be "auto", true or false');
  return Object.freeze(compiled);
}

function count(name: string, value: number, min: number): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < min || (Number.isFinite(value) && !Number.isInteger(value))) {
    throw new CeleryProtoError("InvalidOption", `${name}: must be an integer >= ${min} (got ${String(value)})`);
  }
  return value;
}
