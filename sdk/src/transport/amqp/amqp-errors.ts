import { CeleryProtoError } from "../../errors/celery-proto-error.js";

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
