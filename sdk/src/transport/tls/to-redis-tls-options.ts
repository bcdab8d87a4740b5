import type { ConnectionOptions } from "node:tls";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { CelerySslSetting } from "./celery-ssl-setting.js";
import { parseCertReqs } from "./cert-reqs.js";
import { readTlsFile } from "./read-tls-file.js";

/** The redis-py `SSLConnection` arguments celery-proto maps (`broker_use_ssl`, `redis_backend_use_ssl`, `rediss://` query). */
export const REDIS_SSL_KEYS: ReadonlySet<string> = new Set(["ssl_cert_reqs", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_check_hostname"]);

/**
 * Node TLS options for redis-py's ssl arguments, as kombu and Celery pass `broker_use_ssl` / `redis_backend_use_ssl`
 * (or a `rediss://` URL's query) to `redis.SSLConnection`: `ssl_cert_reqs` CERT_NONE skips verification (default
 * CERT_REQUIRED; CERT_OPTIONAL verifies, as on a Python client socket), `ssl_ca_certs` replaces the system's CAs,
 * `ssl_certfile`/`ssl_keyfile` are the client certificate, `ssl_check_hostname` false skips the host name check
 * (redis-py 6+ checks it by default; CERT_NONE never does). Values may be strings, as a URL's query holds them.
 *
 * Files are read now (call it when connecting); `where` prefixes each key in errors (`redis_backend_use_ssl.`,
 * `broker URL rediss://...: `). `true` is TLS with the defaults. Other keys are refused with `InvalidOption`.
 */
export function toRedisTlsOptions(setting: CelerySslSetting, where: string): ConnectionOptions {
  if (setting === true || setting === false) return {};
  for (const key of Object.keys(setting)) {
    if (REDIS_SSL_KEYS.has(key)) continue;
    const hint = REDIS_SSL_KEYS.has(`ssl_${key}`) ? ` (${key} is py-amqp's name; redis-py, and a Redis broker or backend, take ssl_${key})` : "";
    throw new CeleryProtoError("InvalidOption", `${where}${key}: not an ssl option celery-proto maps for Redis${hint}; use ${[...REDIS_SSL_KEYS].join(", ")}`);
  }
  const value = (key: string): unknown => (setting[key] === null || setting[key] === "" ? undefined : setting[key]);
  const reqs = value("ssl_cert_reqs") === undefined ? null : parseCertReqs(value("ssl_cert_reqs"), `${where}ssl_cert_reqs`);
  const checkHostname = value("ssl_check_hostname");
  if (checkHostname !== undefined && typeof checkHostname !== "boolean" && typeof checkHostname !== "string") {
    throw new CeleryProtoError("InvalidOption", `${where}ssl_check_hostname: expected true or false, got ${JSON.stringify(checkHostname)}`);
  }
  // kombu reads the URL's value as `value.lower() != 'false'`.
  const skipHostname = checkHostname === false || (typeof checkHostname === "string" && checkHostname.toLowerCase() === "false");
  const certPath = value("ssl_certfile");
  const keyPath = value("ssl_keyfile") ?? certPath;
  if (keyPath !== undefined && certPath === undefined) {
    throw new CeleryProtoError("InvalidOption", `${where}ssl_keyfile: needs ssl_certfile (the client certificate the key belongs to)`);
  }
  return {
    // Left out unless set, so that it does not override a URL's (Node's default verifies, as CERT_REQUIRED does).
    ...(reqs === null ? {} : { rejectUnauthorized: reqs !== "none" }),
    ...(value("ssl_ca_certs") === undefined ? {} : { ca: readTlsFile(value("ssl_ca_certs"), `${where}ssl_ca_certs`) }),
    ...(certPath === undefined ? {} : { cert: readTlsFile(certPath, `${where}ssl_certfile`) }),
    ...(keyPath === undefined ? {} : { key: readTlsFile(keyPath, `${where}${value("ssl_keyfile") === undefined ? "ssl_certfile" : "ssl_keyfile"}`) }),
    ...(skipHostname ? { checkServerIdentity: () => undefined } : {}),
  };
}
