/**
 * The closed set of error codes celery-proto raises. Codes name what went wrong, not where.
 * Adding a code is an API change: callers switch on these.
 */
export const ERROR_CODES = [
  /** The message (or one of its parts) does not have the shape the protocol requires; `details` says where. */
  "InvalidMessage",
  /** Task headers break the protocol: a required header is missing or a known header has the wrong type. */
  "InvalidHeaders",
  /** The task body is not `[args, kwargs, embed]` (protocol 2) or a valid protocol 1 dict. */
  "InvalidBody",
  /** A Redis envelope is not a kombu envelope (not JSON, not an object, missing parts). */
  "InvalidEnvelope",
  /** Body bytes could not be parsed by the serializer named in the content type (truncated JSON, bad msgpack...). */
  "DecodeError",
  /** The body's transfer encoding is wrong: bad base64, unknown `body_encoding`, unknown `content_encoding`. */
  "InvalidEncoding",
  /** The `compression` header names a compression this build does not implement. */
  "UnsupportedCompression",
  /** The body is compressed with a known method but the compressed data is corrupt. */
  "DecompressionFailed",
  /** The content type is known but not in the accept list (pickle is never accepted). */
  "ContentDisallowed",
  /**
   * A signed (`auth`) message whose signature does not verify: the body was changed after signing, or it is not a
   * well-formed signed body (Celery: `SecurityError`). Never executed.
   */
  "InvalidSignature",
  /** A signed (`auth`) message from a signer whose certificate is not in `security_cert_store`. Never executed. */
  "UntrustedSigner",
  /** The content type is not one that any Celery serializer produces. */
  "UnsupportedContentType",
  /** Neither a `task` header (protocol 2) nor a body with `task` (protocol 1). */
  "UnknownProtocol",
  /** An `eta`, `expires` or other date-time value is not a date-time Python would parse. */
  "InvalidDateTime",
  /** A kombu JSON `{"__type__", "__value__"}` wrapper with an unknown type or a malformed value. */
  "InvalidTypeWrapper",
  /** A value cannot be encoded for the chosen serializer or peer (e.g. a Symbol, a cyclic object). */
  "EncodeError",
  /** Options passed to an API conflict or are out of range; the message names the option. */
  "InvalidOption",
  /** No handler is registered for the task name. */
  "UnknownTask",
  /** The transport's connection is closed and the operation cannot proceed. */
  "TransportClosed",
  /** An operation did not complete within its timeout. */
  "Timeout",
  /**
   * A bounded buffer is full: e.g. more publishes are waiting for a broker connection than the transport's
   * `maxBufferedPublishes` allows. The message names the option that raises the limit.
   */
  "BufferOverflow",
  /**
   * The broker refused one published message (AMQP `basic.nack`, e.g. a queue with `x-overflow: reject-publish` is
   * full, or the channel was closed because of this message, e.g. its exchange does not exist). Retrying the same
   * message will not help until the broker side changes; unlike `TransportClosed`, the connection is fine.
   */
  "PublishRejected",
  /**
   * The broker answered a command with an error (a Redis error reply such as `WRONGTYPE`, `OOM` or `NOSCRIPT`) that is
   * not about the connection; `cause` holds the broker's error.
   */
  "BrokerError",
  /**
   * A task's arguments break its catalog schema (`proto generate` validators): the message names the task, the
   * argument and the rule; `details` holds every issue. Raised before publishing and again when a worker receives it.
   */
  "InvalidArguments",
  /** A task's return value breaks the result schema of its catalog; the message names the task and the rule. */
  "InvalidResult",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
