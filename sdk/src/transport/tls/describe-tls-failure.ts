/** What the user sets to fix a TLS failure, by the names of their broker's ssl options. */
export interface TlsSettingNames {
  /** The CA file (`ssl_ca_certs`, `broker_use_ssl.ca_certs`). */
  readonly ca: string;
  /** The host name checked, or how to stop checking it. */
  readonly hostname: string;
  /** How to skip verification altogether. */
  readonly certReqs: string;
  /** The client certificate and key. */
  readonly clientCert: string;
}

/** The options of an AMQP broker (py-amqp's names, in `broker_use_ssl`). */
export const AMQP_TLS_SETTING_NAMES: TlsSettingNames = {
  ca: "broker_use_ssl's ca_certs",
  hostname: "broker_use_ssl's server_hostname (the name the certificate was issued for)",
  certReqs: "cert_reqs=ssl.CERT_NONE",
  clientCert: "broker_use_ssl's certfile and keyfile",
};

/** The options of a Redis broker or backend (redis-py's names: the URL's query, `broker_use_ssl`, `redis_backend_use_ssl`). */
export const REDIS_TLS_SETTING_NAMES: TlsSettingNames = {
  ca: "ssl_ca_certs",
  hostname: "the URL's host (the name the certificate was issued for), or ssl_check_hostname=false",
  certReqs: "ssl_cert_reqs=CERT_NONE",
  clientCert: "ssl_certfile and ssl_keyfile",
};

/** OpenSSL's verification results as Node reports them on a TLS socket: the server's certificate was not trusted. */
const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
  "INVALID_PURPOSE",
]);

/**
 * Why a TLS connection to `at` failed, in a sentence naming the settings that fix it, when it is a TLS failure that
 * retrying cannot fix: the server's certificate not trusted or not issued for the host, the server refusing the
 * handshake (a missing or untrusted client certificate), or no TLS on that port. Null for anything else.
 */
export function describeTlsFailure(error: unknown, at: string, names: TlsSettingNames): string | null {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  const text = error instanceof Error ? error.message : String(error);
  // OpenSSL's errors read "<id>:error:<hex>:SSL routines:<function>:<reason>:<file>:<line>:SSL alert number N\n": keep the reason.
  const message = /SSL routines:[^:]*:([^:]+):/.exec(text)?.[1] ?? text.trim();
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS: the certificate of ${at} is not for this host name (${message}); check ${names.hostname}`;
  }
  if (UNTRUSTED.has(code)) {
    return `TLS: the certificate of ${at} failed verification (${code}: ${message}); check ${names.ca} (the CA that signed the server's certificate), or ${names.certReqs} to skip verification`;
  }
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return `TLS: ${at} refused the handshake (${code}: ${message}); it may require a client certificate of a CA it trusts: check ${names.clientCert}`;
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" || code === "ERR_SSL_HTTP_REQUEST") {
    return `TLS: ${at} does not speak TLS on this port (${code}); use the broker's TLS port, or a plain URL without TLS options`;
  }
  return null;
}

/**
 * Why a TLS connection reset before it was ready, when it was: under TLS 1.3 a server checks the client's certificate
 * after the client has finished its side of the handshake, so its alert can be lost to the reset of the client's first
 * write. Null when `error` is not a reset.
 */
export function describeTlsReset(error: unknown, at: string, names: TlsSettingNames): string | null {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  if (code !== "ECONNRESET" && code !== "EPIPE") return null;
  return `TLS: ${at} closed the connection right after the handshake (${code}); it may require a client certificate of a CA it trusts: check ${names.clientCert}`;
}
