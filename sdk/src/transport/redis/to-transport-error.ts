import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ErrorCode } from "../../errors/error-code.js";

/**
 * Maps what ioredis rejects with to a `CeleryProtoError`: a Redis error reply is `BrokerError` (or `fallback` for a
 * publish, e.g. `PublishRejected`), a closed or given-up connection is `TransportClosed`.
 */
export function toTransportError(error: unknown, action: string, replyCode: ErrorCode = "BrokerError"): CeleryProtoError {
  if (CeleryProtoError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "";
  const code: ErrorCode = name === "ReplyError" ? replyCode : "TransportClosed";
  return new CeleryProtoError(code, `Redis ${action} failed: ${message}`, { cause: error });
}
