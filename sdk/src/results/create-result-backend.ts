import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Transport } from "../transport/transport.js";
import type { CelerySslSetting } from "../transport/tls/celery-ssl-setting.js";
import { DisabledResultBackend } from "./disabled-result-backend.js";
import { redisBackendTls } from "./redis-backend-tls.js";
import type { RedisResultBackendOptions } from "./redis-result-backend-options.js";
import type { ResultBackend } from "./result-backend.js";
import { createRpcResultBackend } from "./rpc-result-backend.js";
import type { RpcResultBackendOptions } from "./rpc-result-backend-options.js";

/** Per-kind options for `createResultBackend`; `resultExpiresSeconds` comes from its own argument. */
export interface CreateResultBackendOptions {
  /** Options of the Redis backend (`redis://`, `rediss://`). Default: none. */
  readonly redis?: Omit<RedisResultBackendOptions, "resultExpiresSeconds">;
  /** Options of the RPC backend (`rpc://`). Default: none. */
  readonly rpc?: Omit<RpcResultBackendOptions, "resultExpiresSeconds">;
  /** How long a Redis backend may take to connect before this rejects, in ms. Default 4000. */
  readonly connectTimeoutMs?: number;
  /** What connection errors call `connectTimeoutMs` (a CLI passes its flag). Default `"connectTimeoutMs"`. */
  readonly connectTimeoutSetting?: string;
  /** What a refused password or database calls the URL's setting (a CLI passes its flag). Default `"backend"`. */
  readonly urlSetting?: string;
  /**
   * Celery's `redis_backend_use_ssl`: redis-py's ssl options (`ssl_ca_certs`, `ssl_certfile`, `ssl_keyfile`,
   * `ssl_cert_reqs`, `ssl_check_hostname`), TLS even for a `redis://` URL; a `rediss://` URL's query wins over them.
   * Default none.
   */
  readonly redisUseSsl?: CelerySslSetting | null;
  /** What errors call `redisUseSsl`. Default `"redisUseSsl"` (a worker passes `redis_backend_use_ssl`). */
  readonly redisUseSslSetting?: string;
}

/**
 * A result backend from Celery's `result_backend` URL: `redis://` / `rediss://` (Redis, connected within
 * `connectTimeoutMs` or rejected with a message naming the server; a refused password or database at once), `rpc://` (replies through `transport`, the
 * client's broker connection), `null`, `""` or `disabled://` (none). Other Celery backends (`db+`, `mongodb://`, ...)
 * are refused with `InvalidOption` naming the option. The Redis backend's module (and ioredis) loads only for a Redis
 * URL.
 *
 * @param resultExpiresSeconds Celery's `result_expires`. Default `86400`.
 */
export async function createResultBackend(
  url: string | null,
  transport: Transport,
  resultExpiresSeconds = 86_400,
  options: CreateResultBackendOptions = {},
): Promise<ResultBackend> {
  if (url === null || url === "" || url === "disabled://") return new DisabledResultBackend();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "redis":
    case "rediss": {
      const { createRedisResultBackend } = await import("./redis-result-backend.js");
      const connectTimeoutMs = options.connectTimeoutMs ?? 4000;
      // Reconnections are bounded like the first connection (ioredis's own default is 10 s).
      const tls = redisBackendTls(url, options.redisUseSsl ?? null, options.redisUseSslSetting ?? "redisUseSsl");
      const redisOptions = { connectTimeout: Math.max(1, Math.round(connectTimeoutMs)), ...(tls === null ? {} : { tls }), ...options.redis?.redisOptions };
      const backend = createRedisResultBackend(url, { ...options.redis, redisOptions, resultExpiresSeconds });
      await backend.whenConnected(connectTimeoutMs, options.connectTimeoutSetting ?? "connectTimeoutMs", { urlSetting: options.urlSetting ?? "backend" });
      return backend;
    }
    case "rpc":
      return createRpcResultBackend(transport, { ...options.rpc, resultExpiresSeconds });
    default:
      throw new CeleryProtoError(
        "InvalidOption",
        `backend: unsupported result backend URL ${JSON.stringify(url.replace(/\/\/[^@/]*@/, "//***@"))}; use redis://, rediss:// or rpc://`,
      );
  }
}
