import type { Redis } from "ioredis";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { disconnectRedis } from "./disconnect-redis.js";

const FATAL = /^(WRONGPASS|NOAUTH|NOPERM)|invalid password|invalid username|DB index is out of range|invalid DB index/i;
/** Node's TLS verification failures: retrying cannot fix them, the URL's ssl_* parameters can. */
const TLS_VERIFY = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_UNTRUSTED", "CERT_SIGNATURE_FAILURE",
]);

/**
 * Connects a lazy ioredis connection and resolves once it is ready (kombu pings when a channel opens). Transient
 * failures keep retrying with the backoff; it rejects when the backoff gives up (`TransportClosed`), or when Redis
 * refuses the URL's credentials or database or the server's TLS certificate fails verification (`InvalidOption`),
 * closing the connection.
 */
export function waitForReady(client: Redis): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | null = null;
    const cleanup = (): void => {
      client.off("ready", onReady);
      client.off("end", onEnd);
      client.off("error", onError);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onEnd = (): void => {
      cleanup();
      reject(new CeleryProtoError("TransportClosed", `could not connect to Redis: ${lastError?.message ?? "reconnection given up"}`, { cause: lastError }));
    };
    const onError = (error: Error): void => {
      lastError = error;
      const tls = TLS_VERIFY.has(String((error as NodeJS.ErrnoException).code));
      if (!tls && !FATAL.test(error.message)) return;
      cleanup();
      disconnectRedis(client);
      const hint = tls ? " (check ssl_ca_certs, or ssl_cert_reqs=CERT_NONE to skip verification)" : "";
      reject(new CeleryProtoError("InvalidOption", `broker URL: Redis refused the connection: ${error.message}${hint}`, { cause: error }));
    };
    client.on("ready", onReady);
    client.on("end", onEnd);
    client.on("error", onError);
    client.connect().catch(() => undefined);
  });
}
