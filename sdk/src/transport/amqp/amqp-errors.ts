import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { describeConnectError, describeConnectTimeout } from "../describe-connect-error.js";
import { AMQP_TLS_SETTING_NAMES, describeTlsFailure, describeTlsReset } from "../tls/describe-tls-failure.js";
import type { AmqpEndpoint } from "./parse-amqp-url.js";

/** Broker reply codes that mean "the broker refused this operation" (the channel closes, the connection stays). */
const REFUSAL_CODES = new Set([403, 404, 405, 406]);

/** `TransportClosed` for an operation attempted on a closed (or closing) transport. */
export function createClosedError(what: string): CeleryProtoError {
  return new CeleryProtoError("TransportClosed", `cannot ${what}: the AMQP transport is closed`);
}

/** A broker refusal (403/404/405/406: the broker closes the channel, not the connection) as `BrokerError`; null for anything else. */
export function toBrokerRefusal(error: unknown, what: string): CeleryProtoError | null {
  if (CeleryProtoError.is(error)) return CeleryProtoError.is(error, "TransportClosed") ? null : error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "number" || !REFUSAL_CODES.has(code)) return null;
  const hint = code === 406 ? " (it exists with other settings: declare it exactly as the existing one, or delete it)" : "";
  return new CeleryProtoError("BrokerError", `RabbitMQ refused ${what}: ${describeError(error)}${hint}`, { cause: error });
}

/** The message of anything thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a connection to `endpoint` failed, for the user: a missing vhost, refused login or TLS failure (the server's
 * certificate not trusted or not for the host, a client certificate refused) is `InvalidOption` naming the part of the
 * URL or the `broker_use_ssl` option to fix (retrying cannot help), no answer in time is `Timeout` naming `timeoutSetting`, anything
 * else (refused, unreachable, reset) is `TransportClosed`. The message names the host and port, never the password.
 */
export function toConnectError(error: unknown, endpoint: AmqpEndpoint, timeoutMs: number, timeoutSetting: string): CeleryProtoError {
  if (CeleryProtoError.is(error)) return error;
  const hostPort = `${endpoint.hostname}:${endpoint.port}`;
  const prefix = `cannot connect to ${endpoint.display}: `;
  const message = describeError(error);
  const tls = endpoint.protocol === "amqps" ? describeTlsFailure(error, hostPort, AMQP_TLS_SETTING_NAMES) : null;
  if (tls !== null) return new CeleryProtoError("InvalidOption", `${prefix}${tls}`, { cause: error });
  // RabbitMQ answers connection.open for an unknown vhost (or one the user has no permission on) with connection.close
  // 530, which amqplib reports without the reply text.
  if (/^Expected ConnectionOpenOk; got <ConnectionClose/.test(message) || /NOT_ALLOWED - (vhost|access to vhost)/.test(message)) {
    return new CeleryProtoError(
      "InvalidOption",
      `${prefix}vhost ${JSON.stringify(endpoint.vhost)} does not exist on ${hostPort}, or user ${JSON.stringify(endpoint.username)} has no permission on it (the vhost is the broker URL's path)`,
      { cause: error },
    );
  }
  if (/ACCESS.REFUSED|Handshake terminated by server: 403/.test(message)) {
    return new CeleryProtoError(
      "InvalidOption",
      `${prefix}${hostPort} refused the login of user ${JSON.stringify(endpoint.username)} (ACCESS_REFUSED): check the user and password in the broker URL`,
      { cause: error },
    );
  }
  if ((error as { code?: unknown } | null)?.code === "ETIMEDOUT" || message === "connect ETIMEDOUT") {
    return new CeleryProtoError("Timeout", `${prefix}${describeConnectTimeout(hostPort, timeoutMs, timeoutSetting)}`, { cause: error });
  }
  const reset = endpoint.protocol === "amqps" ? describeTlsReset(error, hostPort, AMQP_TLS_SETTING_NAMES) : null;
  return new CeleryProtoError("TransportClosed", `${prefix}${reset ?? describeConnectError(error, hostPort)}`, { cause: error });
}
