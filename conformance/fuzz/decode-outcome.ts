import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";
import type { TaskMessage } from "../../sdk/src/codec/task/task-message.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { ERROR_CODES, type ErrorCode } from "../../sdk/src/errors/error-code.js";
import { buildTaskRequest } from "../../worker/src/request/build-task-request.js";
import type { TaskRequest } from "../../worker/src/request/task-request.js";

/** What the worker's decoding does with one input: a request to run, or a refusal with its code. */
export type DecodeOutcome =
  | { readonly kind: "accepted"; readonly message: TaskMessage; readonly request: TaskRequest }
  | { readonly kind: "refused"; readonly code: ErrorCode; readonly reason: string };

/** An input whose decoding threw something other than a `CeleryProtoError` with a known code: a fuzzer finding. */
export class UntypedRefusal extends Error {
  override readonly name = "UntypedRefusal";
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The worker's path for a Redis list entry: the consumer's `readRedisEnvelope`, then `decodeTaskMessage`, then the request. */
export function decodeRedisInput(envelope: string, accept: readonly string[]): DecodeOutcome {
  return outcome(() => readRedisEnvelope(envelope), accept);
}

/** The worker's path for an AMQP delivery's parts. */
export function decodeAmqpInput(parts: RawTaskParts, accept: readonly string[]): DecodeOutcome {
  return outcome(() => parts, accept);
}

function outcome(read: () => RawTaskParts, accept: readonly string[]): DecodeOutcome {
  try {
    const message = decodeTaskMessage(read(), { accept });
    return { kind: "accepted", message, request: buildTaskRequest(message, "fuzz@localhost") };
  } catch (e) {
    if (CeleryProtoError.is(e) && CODES.has(e.code)) return { kind: "refused", code: e.code, reason: e.describe() };
    throw new UntypedRefusal(`decoding threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of a CeleryProtoError with a code`, {
      cause: e,
    });
  }
}
