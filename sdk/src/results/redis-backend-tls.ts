import type { ConnectionOptions } from "node:tls";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { CelerySslSetting } from "../transport/tls/celery-ssl-setting.js";
import { REDIS_SSL_KEYS, toRedisTlsOptions } from "../transport/tls/to-redis-tls-options.js";

/**
 * The Node TLS options of a Redis result backend, as Celery's `RedisBackend` decides (celery/backends/redis.py): TLS
 * for `rediss://`, or for `redis://` with `redis_backend_use_ssl` set; the URL's `ssl_*` query parameters win over
 * `redis_backend_use_ssl`'s keys; `ssl_*` parameters in a `redis://` URL are refused, as Celery refuses them. Unlike
 * Celery, a `rediss://` URL without `ssl_cert_reqs` verifies the server (Celery refuses such a URL). Null: no TLS.
 * Files are read now (call it when connecting).
 */
export function redisBackendTls(url: string, useSsl: CelerySslSetting | null, settingName: string): ConnectionOptions | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const shown = url.replace(/\/\/([^@/]*):([^@/]*)@/, "//$1:**@");
  const query = url.includes("?") ? new URLSearchParams(url.slice(url.indexOf("?") + 1).split("#")[0]) : new URLSearchParams();
  const fromUrl = Object.fromEntries([...query].filter(([key]) => REDIS_SSL_KEYS.has(key)));
  if (scheme === "redis" && Object.keys(fromUrl).length > 0) {
    throw new CeleryProtoError(
      "InvalidOption",
      `result backend URL ${shown}: ssl parameters (${Object.keys(fromUrl).join(", ")}) need the rediss:// scheme, as in Celery; or set them in ${settingName}`,
    );
  }
  const setting = useSsl === false ? null : useSsl;
  if (scheme !== "rediss" && setting === null) return null;
  return { ...(setting === null ? {} : toRedisTlsOptions(setting, `${settingName}.`)), ...toRedisTlsOptions(fromUrl, `result backend URL ${shown}: `) };
}
