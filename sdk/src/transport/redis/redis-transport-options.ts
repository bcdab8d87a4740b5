import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import type { KombuJsonFlavor } from "../../codec/json/kombu-json.js";
import type { TransportEvent } from "../transport.js";
import type { KombuRedisOptions } from "./kombu-redis-options.js";

/**
 * Delay in milliseconds before reconnection attempt `attempt` (1, 2, ...); `null` stops reconnecting, which closes the
 * connection and fails what waits on it with `TransportClosed`.
 */
export type RedisBackoff = (attempt: number) => number | null;

/** Options of `createRedisTransport`. Compiled once (defaults applied, validated, frozen) by `compileRedisOptions`. */
export interface RedisTransportOptions {
  /** kombu's transport options by kombu's names (Celery's `broker_transport_options`). Default: kombu's defaults. */
  readonly transportOptions?: KombuRedisOptions;
  /** Reconnection delays for every connection of the transport. Default `defaultRedisBackoff` (100 ms doubling, capped at 5 s, forever). */
  readonly backoff?: RedisBackoff;
  /**
   * Max publishes waiting while the command connection is down (queued until it is back). One more is refused at once
   * with `BufferOverflow`. Default `1000`.
   */
  readonly maxBufferedPublishes?: number;
  /**
   * Time one connection attempt may take: TCP (or TLS) connect plus Redis's handshake (AUTH, SELECT, ready check), in
   * ms. `createRedisTransport()` rejects when its first attempt (one per server of a failover list) fails or runs out
   * of this time. Default `transportOptions.socket_connect_timeout` when set, else 4000 (Celery's
   * `broker_connection_timeout`).
   */
  readonly connectTimeoutMs?: number;
  /** What connection errors call `connectTimeoutMs` (a CLI passes its flag). Default `"connectTimeoutMs"`. */
  readonly connectTimeoutSetting?: string;
  /** Aborting it while `createRedisTransport()` connects closes the connection, which then rejects. Default none. */
  readonly signal?: AbortSignal;
  /** Connection lifecycle and background failures. Never thrown, never an unhandled `error` event. Default: ignored. */
  readonly onEvent?: (event: TransportEvent) => void;
  /** BRPOP server-side timeout in seconds (kombu's `Transport.brpop_timeout`). Default `1`. */
  readonly brpopTimeout?: number;
  /**
   * Which kombu's topic binding patterns to write: `kombu5.7` (`*` → `[^\.]+`) or `kombu5.3` (`*` → `.*?[^\.]`,
   * which lets `*` span several words: fixed in kombu 5.7). Publishers match with the stored pattern, so a binding
   * keeps the behaviour of whoever wrote it. Default `"kombu5.7"`.
   */
  readonly topicPatternFlavor?: "kombu5.7" | "kombu5.3";
  /** JSON dialect of the envelopes written (codec `KombuJsonFlavor`). Default `"kombu5.3"`. */
  readonly jsonFlavor?: KombuJsonFlavor;
  /** Extra Node TLS options merged over what a `rediss://` URL says (certificates, servername...). Default: none. */
  readonly tls?: TlsConnectionOptions;
}
