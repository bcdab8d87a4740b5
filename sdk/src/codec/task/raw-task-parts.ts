import type { MessageVerifier } from "../../security/message-signing.js";
import type { DeliveryInfo } from "./task-message.js";

/**
 * A task message as a transport hands it over, before any decoding: the shape shared by AMQP deliveries and
 * kombu Redis envelopes. Property names are the wire (snake_case) names.
 */
export interface RawTaskParts {
  /** The application headers. Must be a mapping; anything else is refused as Celery does. */
  readonly headers: unknown;
  /** AMQP properties other than headers: `content_type`, `content_encoding`, `correlation_id`, `reply_to`, ... */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The body bytes exactly as sent (still compressed if the `compression` header says so). */
  readonly body: Uint8Array;
  readonly deliveryInfo: DeliveryInfo | null;
  readonly deliveryTag: string | null;
}

/** Options for every decode function. */
export interface DecodeOptions {
  /** Serializers to accept, by name or content type (Celery's `accept_content`). Default `["json"]`. */
  readonly accept?: readonly string[];
  /**
   * Verifies signed (`auth`, content type `application/data`) bodies: `loadMessageVerifier` with
   * `security_cert_store`. Without it a signed body is refused (`ContentDisallowed`) even when `auth` is accepted.
   */
  readonly verifier?: MessageVerifier;
}
