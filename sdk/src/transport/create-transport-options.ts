import type { ConnectRetryPolicy } from "./connect-retry-policy.js";
import type { KombuRedisOptions } from "./redis/kombu-redis-options.js";
import type { CelerySslSetting } from "./tls/celery-ssl-setting.js";
import type { TransportEvent } from "./transport.js";

/**
 * How the caller's users set the connection knobs, as connection errors name them: the SDK's option names by default,
 * a CLI passes its flags (`--broker-connection-timeout`), a worker Celery's setting names.
 */
export interface ConnectSettingNames {
  /** What sets `connectTimeoutMs`. Default `"connectTimeoutMs"`. */
  readonly connectTimeout?: string;
  /** What sets `retry.maxRetries`. Default `"retry.maxRetries"`. */
  readonly maxRetries?: string;
  /** What sets `brokerUseSsl`. Default `"brokerUseSsl"`. */
  readonly brokerUseSsl?: string;
}

/** Options of {@link createTransport}. All optional. */
export interface CreateTransportOptions {
  /**
   * Time one connection attempt may take (TCP or TLS connect plus the broker's handshake), in ms. Default 4000 (Celery's
   * `broker_connection_timeout`); for Redis, `transportOptions.socket_connect_timeout` when that is set.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Retry a broker that cannot be reached at start-up (as a Celery worker does), or `false` to reject at the first
   * failure. Wrong credentials, a missing vhost or database are never retried. Default `false`.
   */
  readonly retry?: ConnectRetryPolicy | false;
  /**
   * Celery's `broker_use_ssl`: `true`, or the dict of ssl options by the names of the library Celery uses for the
   * broker (py-amqp: `ca_certs`, `certfile`, `keyfile`, `cert_reqs`, `server_hostname`; redis-py: `ssl_ca_certs`,
   * `ssl_certfile`, `ssl_keyfile`, `ssl_cert_reqs`, `ssl_check_hostname`). Turns TLS on for `amqp://` and `redis://`
   * URLs too; for Redis its keys win over the URL's `ssl_*` query. Files are read at each connection attempt. Default
   * false (TLS only for `amqps://` and `rediss://`).
   */
  readonly brokerUseSsl?: CelerySslSetting;
  /** kombu's Redis transport options (Celery's `broker_transport_options`); only a Redis URL takes them. Default none. */
  readonly transportOptions?: KombuRedisOptions;
  /** Connection lifecycle: `connected`, `disconnected`, `reconnecting`, `connect-retry`, background `error`s. Default none. */
  readonly onEvent?: (event: TransportEvent) => void;
  /** Aborting it stops connecting (the promise rejects with `TransportClosed`); no effect once connected. */
  readonly signal?: AbortSignal;
  /** How connection errors name the settings. Default: this SDK's option names. */
  readonly settingNames?: ConnectSettingNames;
}
