import type { ConnectionOptions } from "node:tls";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { CelerySslSetting } from "./celery-ssl-setting.js";
import { parseCertReqs } from "./cert-reqs.js";
import { readTlsFile } from "./read-tls-file.js";

/** The keys of py-amqp's `SSLTransport._wrap_socket_sni` that celery-proto maps (`broker_use_ssl` for an AMQP broker). */
const AMQP_SSL_KEYS = new Set(["ca_certs", "certfile", "keyfile", "cert_reqs", "server_hostname", "ciphers"]);

/**
 * Node TLS options for Celery's `broker_use_ssl` on an AMQP broker, as py-amqp applies the dict
 * (amqp/transport.py `SSLTransport._wrap_socket_sni`): `ca_certs` replaces the system's CAs, `certfile`/`keyfile` are
 * the client certificate (the key may sit in `certfile`, as `load_cert_chain` allows), `cert_reqs` CERT_NONE skips
 * verification (CERT_OPTIONAL verifies, as it does on a Python client socket), `server_hostname` is the name sent
 * (SNI) and checked. One difference: py-amqp checks the host name only when `server_hostname` is set; Node (and
 * celery-proto) always checks it, against `server_hostname` or else the URL's host.
 *
 * Files are read now (call it when connecting). `true` is TLS with the defaults. A key py-amqp does not take, or that
 * celery-proto does not map, is refused with `InvalidOption` naming it and `settingName`.
 */
export function toAmqpTlsOptions(setting: CelerySslSetting, settingName: string): ConnectionOptions {
  if (setting === true || setting === false) return {};
  for (const key of Object.keys(setting)) {
    if (AMQP_SSL_KEYS.has(key)) continue;
    const plain = key.startsWith("ssl_") ? key.slice(4) : null;
    const hint = plain !== null && AMQP_SSL_KEYS.has(plain) ? ` (${key} is redis-py's name; py-amqp, and an AMQP broker, take ${plain})` : "";
    throw new CeleryProtoError(
      "InvalidOption",
      `${settingName}.${key}: not an ssl option celery-proto maps for an AMQP broker${hint}; use ${[...AMQP_SSL_KEYS].join(", ")}`,
    );
  }
  const value = (key: string): unknown => (setting[key] === null ? undefined : setting[key]);
  const reqs = value("cert_reqs") === undefined ? null : parseCertReqs(value("cert_reqs"), `${settingName}.cert_reqs`);
  const certPath = value("certfile");
  const keyPath = value("keyfile") ?? certPath;
  const serverHostname = value("server_hostname");
  if (serverHostname !== undefined && typeof serverHostname !== "string") {
    throw new CeleryProtoError("InvalidOption", `${settingName}.server_hostname: expected a host name, got ${JSON.stringify(serverHostname)}`);
  }
  const ciphers = value("ciphers");
  if (ciphers !== undefined && typeof ciphers !== "string") {
    throw new CeleryProtoError("InvalidOption", `${settingName}.ciphers: expected an OpenSSL cipher list string, got ${JSON.stringify(ciphers)}`);
  }
  if (keyPath !== undefined && certPath === undefined) {
    throw new CeleryProtoError("InvalidOption", `${settingName}.keyfile: needs certfile (the client certificate the key belongs to)`);
  }
  return {
    // Left out unless set, so that it does not override a URL's (Node's default verifies, as CERT_REQUIRED does).
    ...(reqs === null ? {} : { rejectUnauthorized: reqs !== "none" }),
    ...(value("ca_certs") === undefined ? {} : { ca: readTlsFile(value("ca_certs"), `${settingName}.ca_certs`) }),
    ...(certPath === undefined ? {} : { cert: readTlsFile(certPath, `${settingName}.certfile`) }),
    ...(keyPath === undefined ? {} : { key: readTlsFile(keyPath, `${settingName}.${value("keyfile") === undefined ? "certfile" : "keyfile"}`) }),
    ...(serverHostname === undefined ? {} : { servername: serverHostname }),
    ...(ciphers === undefined ? {} : { ciphers }),
  };
}
