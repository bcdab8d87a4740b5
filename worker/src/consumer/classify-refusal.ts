import type { ErrorCode } from "../../../sdk/src/errors/error-code.js";

/**
 * What Celery's consumer does with a message it cannot run (C:celery/worker/consumer/consumer.py
 * `on_task_received`, §10.1 of the protocol digest):
 * - `unknown-message`: not a task message (headers not a mapping, no `task` anywhere) → warning, reject(requeue=False);
 * - `decode-error`: the body cannot be decoded → critical, **ack** (so it cannot loop);
 * - `invalid-task`: a task message that breaks the protocol (`InvalidTaskError`: bad eta/expires, kwargs not a
 *   mapping...) or whose content type is not accepted (`ContentDisallowed`) → error, reject(requeue=False).
 */
export type RefusalAction = "unknown-message" | "decode-error" | "invalid-task";

/** Codes raised while turning bytes into values (kombu raises `DecodeError` for all of them). */
const DECODING: ReadonlySet<ErrorCode> = new Set([
  "DecodeError",
  "InvalidEncoding",
  "UnsupportedCompression",
  "DecompressionFailed",
  "InvalidTypeWrapper",
  "InvalidEnvelope",
  // A signed body that does not verify: Celery's SecurityError surfaces as kombu's DecodeError (critical + ack).
  "InvalidSignature",
  "UntrustedSigner",
]);

/** Content types the accept list refuses (kombu: `ContentDisallowed`, also for an unknown content type). */
const DISALLOWED: ReadonlySet<ErrorCode> = new Set(["ContentDisallowed", "UnsupportedContentType"]);

/**
 * Maps a decode failure to Celery's action. `hasTaskHeader` matters: Celery reads a protocol 2 message's `task`
 * header before decoding the body (a refused content type is then an invalid task), while a message without one is
 * decoded first to find a protocol 1 `task` key (any failure there is a decode error).
 */
export function classifyRefusal(code: ErrorCode, hasTaskHeader: boolean): RefusalAction {
  if (code === "UnknownProtocol") return "unknown-message";
  if (DECODING.has(code)) return "decode-error";
  if (DISALLOWED.has(code)) return hasTaskHeader ? "invalid-task" : "decode-error";
  return "invalid-task";
}
