// celery-proto: the public surface. Protocol layer first; transports, client and worker build on it.
export { CeleryProtoError, isErrorCode, type CeleryProtoErrorOptions } from "./errors/celery-proto-error.js";
export { ERROR_CODES, type ErrorCode } from "./errors/error-code.js";
export type { ValidationIssue } from "./errors/validation-issue.js";
export {
  createTaskMessage,
  decodeAmqpMessage,
  decodeRedisEnvelope,
  decodeTaskMessage,
  decodeResultMeta,
  decodeWireMessage,
  encodeAmqpPublish,
  encodeRedisEnvelope,
  errorToExceptionInfo,
  exceptionInfoToError,
  formatPythonTraceback,
  RemoteTaskError,
  PyDate,
  PyDecimal,
  PyFloat,
  PyTime,
  PyUuid,
  pyFloat,
  type TaskMessage,
  type TaskMessageInput,
  type TaskEmbed,
  type DeliveryInfo,
  type DecodeOptions,
  type EncodeOptions,
  type ExceptionInfo,
  type AmqpMessage,
  type AmqpPublish,
  type PublishRoute,
} from "./codec/index.js";
