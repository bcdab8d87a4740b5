// The pure protocol layer: decode and encode Celery wire messages. No I/O.
export { decodeAmqpMessage } from "./amqp/decode-amqp-message.js";
export { encodeAmqpPublish, type AmqpPublish, type PublishRoute } from "./amqp/encode-amqp-publish.js";
export { parseAmqpMessageJson } from "./amqp/parse-amqp-message-json.js";
export type { AmqpMessage, AmqpProperties } from "./amqp/amqp-message.js";
export { decodeRedisEnvelope, readRedisEnvelope } from "./redis/decode-redis-envelope.js";
export { encodeRedisEnvelope, envelopeFromPublish, type RedisEnvelopeOptions } from "./redis/encode-redis-envelope.js";
export { decodeTaskMessage } from "./task/decode-task-message.js";
export { createTaskMessage, defaultOrigin } from "./task/create-task-message.js";
export { serializeTaskBody, type EncodeOptions, type SerializedTaskBody } from "./task/serialize-task-body.js";
export type { TaskMessage, TaskEmbed, DeliveryInfo } from "./task/task-message.js";
export type { TaskMessageInput } from "./task/task-message-input.js";
export type { RawTaskParts, DecodeOptions } from "./task/raw-task-parts.js";
export { decodeEventMessage } from "./message/decode-event-message.js";
export { decodeControlMessage, type ControlMessage } from "./message/decode-control-message.js";
export { decodeMessageBody, type DecodedMessageBody } from "./message/decode-message-body.js";
export { encodeMessagePublish, type MessagePublishOptions } from "./message/encode-message-publish.js";
export { decodeWireMessage, type DecodedWireMessage } from "./message/decode-wire-message.js";
export { MESSAGE_KINDS, type MessageKind } from "./message/message-kind.js";
export { decodeResultMeta, EXCEPTION_STATES } from "./result/decode-result-meta.js";
export { decodeKombuJson, encodeKombuJson, type KombuJsonFlavor, type KombuValue } from "./json/kombu-json.js";
export { parsePythonJson, type ParsedJson } from "./json/parse-python-json.js";
export { stringifyPythonJson, formatPythonFloat, type PlainJson } from "./json/python-json-stringify.js";
export { toDisplayJson } from "./json/to-display-json.js";
export { PyDate, PyDecimal, PyFloat, PyTime, PyUuid, pyFloat } from "./json/python-values.js";
export { safeRepr, PyTuple, type SafeReprOptions } from "./repr/safe-repr.js";
export { parseIsoDateTime, formatCeleryDateTime, formatPythonIsoformat, type ParsedIsoDateTime } from "./time/iso-datetime.js";
export { compressBody, decompressBody, COMPRESSION_MIME_TYPES, type CompressionName } from "./body/compression.js";
export {
  SERIALIZERS,
  DEFAULT_ACCEPT,
  PICKLE_CONTENT_TYPE,
  checkContentType,
  resolveAcceptList,
  findSerializer,
  AUTH_CONTENT_TYPE,
  type SerializerName,
  type TaskSerializerName,
  type SerializerSpec,
} from "./body/content-types.js";
export { serializeBody, type SerializedBody } from "./body/serialize-body.js";
export { deserializeBody, type DeserializeOptions } from "./body/deserialize-body.js";
export type { ExceptionInfo } from "./exceptions/exception-info.js";
export { errorToExceptionInfo, JS_ERROR_MODULE, type PythonExceptionLike } from "./exceptions/error-to-exception-info.js";
export { formatPythonTraceback } from "./exceptions/format-python-traceback.js";
export { RemoteTaskError, exceptionInfoToError } from "./exceptions/remote-task-error.js";
export type {
  CeleryEvent,
  ControlReply,
  ControlRequest,
  RedisEnvelope,
  ResultMeta,
  ResultTuple,
  Signature,
  TaskHeadersV2,
  TaskProperties,
} from "../gen/json-schema/types.js";
