// The AMQP 0-9-1 (RabbitMQ) transport: kombu-identical declarations, publisher confirms, reconnection.
export { createAmqpTransport } from "./create-amqp-transport.js";
export { AmqpTransport } from "./amqp-transport.js";
export {
  compileAmqpTransportOptions,
  DEFAULT_AMQP_TRANSPORT_OPTIONS,
  type AmqpTransportOptions,
  type CompiledAmqpTransportOptions,
} from "./amqp-transport-options.js";
export { createExponentialBackoff, DEFAULT_EXPONENTIAL_BACKOFF, type BackoffFunction, type ExponentialBackoffOptions } from "./exponential-backoff.js";
export { parseAmqpUrl, type AmqpEndpoint } from "./parse-amqp-url.js";
export { encodeFieldTable, type AmqplibFieldTable, type AmqplibFieldValue } from "./encode-field-table.js";
export { decodeFieldTable } from "./decode-field-table.js";
export { toPublishOptions } from "./to-publish-options.js";
export { toRawTaskParts } from "./to-raw-task-parts.js";
