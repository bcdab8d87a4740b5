// celery-proto: the public surface. Client (producer) first; the canvas builds on it; the protocol layer
// (codec) underneath is also available on its own as `celery-proto/codec`. Each broker's transport is its own subpath
// (`celery-proto/redis`, `celery-proto/amqp`) and is loaded by `createTransport`/`createClient` only when a URL names
// it; periodic tasks are `celery-proto/beat`, the worker `celery-proto/worker`.
export { createClient } from "./client/create-client.js";
export { Client } from "./client/client.js";
export { defineTask, type TaskDescriptor } from "./client/task-descriptor.js";
export type { ClientOptions } from "./client/client-options.js";
export type { SendTaskOptions } from "./client/send-task-options.js";
export type { TaskRoute, TaskRouter, TaskRoutes } from "./client/task-routes.js";
export type { TaskSender } from "./client/task-sender.js";

export { AsyncResult } from "./results/async-result.js";
export { GroupResult } from "./results/group-result.js";
export type { ResultBackend, WaitOptions } from "./results/result-backend.js";
export type { ResultGetOptions } from "./results/result-get-options.js";
export type { RevokeOptions } from "./results/revoke-options.js";
export { createRpcResultBackend } from "./results/rpc-result-backend.js";
export type { RpcResultBackendOptions } from "./results/rpc-result-backend-options.js";

export {
  signature,
  taskRef,
  chain,
  group,
  chord,
  chunks,
  map,
  starmap,
  clone,
  link,
  linkError,
  setImmutable,
  setOptions,
  freeze,
  toSignatureDict,
  fromSignatureDict,
  applyAsync,
  type Signature,
  type SignatureDict,
  type CanvasOptions,
  type TaskRef,
  type ApplyAsyncOptions,
} from "./canvas/index.js";

export type { Transport, TransportEvent, Delivery, ConsumeOptions, Consumer, OutgoingMessage } from "./transport/transport.js";
export type { QueueSpec, ExchangeSpec } from "./transport/queue-spec.js";
export type { QueueBindSpec, ExchangeBindSpec } from "./transport/binding-spec.js";
export { createTransport } from "./transport/create-transport.js";
export type { CreateTransportOptions, ConnectSettingNames } from "./transport/create-transport-options.js";
export type { ConnectRetryPolicy } from "./transport/connect-retry-policy.js";
export type { CelerySslSetting } from "./transport/tls/celery-ssl-setting.js";
export { MemoryTransport } from "./transport/memory/memory-transport.js";

export { inspect, type InspectOptions, type NodeReply, type ControlClock } from "./control/inspect.js";
export { flattenReplies } from "./control/flatten-replies.js";
export type { MailboxSettings } from "./control/pidbox-entities.js";
export { receiveEvents } from "./events/receive-events.js";
export type { EventClock, EventReceiver, ReceiveEventsOptions, ReceivedEvent, ReceivedEventDelivery } from "./events/event-receiver-options.js";
export { EventState, type WorkerInfo, type TaskInfo } from "./events/event-state.js";

export { CeleryProtoError, isErrorCode, type CeleryProtoErrorOptions } from "./errors/celery-proto-error.js";
export { ERROR_CODES, type ErrorCode } from "./errors/error-code.js";
export type { ValidationIssue } from "./errors/validation-issue.js";
// The codec's main functions, each from its own module (not the codec's index, which would load every schema's
// validators): the rest of the codec is `celery-proto/codec`.
export { createTaskMessage } from "./codec/task/create-task-message.js";
export { decodeAmqpMessage } from "./codec/amqp/decode-amqp-message.js";
export { decodeRedisEnvelope } from "./codec/redis/decode-redis-envelope.js";
export { decodeTaskMessage } from "./codec/task/decode-task-message.js";
export { decodeResultMeta } from "./codec/result/decode-result-meta.js";
export { encodeAmqpPublish, type AmqpPublish, type PublishRoute } from "./codec/amqp/encode-amqp-publish.js";
export { encodeRedisEnvelope } from "./codec/redis/encode-redis-envelope.js";
export { errorToExceptionInfo } from "./codec/exceptions/error-to-exception-info.js";
export { exceptionInfoToError, RemoteTaskError } from "./codec/exceptions/remote-task-error.js";
export { formatPythonTraceback } from "./codec/exceptions/format-python-traceback.js";
export { PyDate, PyDecimal, PyFloat, PyTime, PyUuid, pyFloat } from "./codec/json/python-values.js";
export type { TaskMessage, TaskEmbed, DeliveryInfo } from "./codec/task/task-message.js";
export type { TaskMessageInput } from "./codec/task/task-message-input.js";
export type { DecodeOptions } from "./codec/task/raw-task-parts.js";
export type { EncodeOptions } from "./codec/task/serialize-task-body.js";
export type { ExceptionInfo } from "./codec/exceptions/exception-info.js";
export type { AmqpMessage } from "./codec/amqp/amqp-message.js";
export type { ResultMeta, ResultTuple } from "./gen/json-schema/types.js";
// Message signing (Celery's `auth` serializer): the loaders are `celery-proto/security`.
export type { MessageSigner, MessageVerifier, SignedContent } from "./security/message-signing.js";
export type { SecuritySettings } from "./security/security-settings.js";

// Typed tasks: what `proto generate` output imports (`defineCatalogTask`) and the typed producers over it.
export {
  defineCatalogTask,
  type CatalogTask,
  type CatalogTaskSpec,
  type CatalogRetryPolicy,
  type AnyCatalogTask,
  type TaskArgs,
  type TaskResult,
  type TaskKwargs,
} from "./typed/catalog-task.js";
export { checkTaskArguments, checkTaskResult, VARARGS_KEY } from "./typed/check-task-arguments.js";
export type { StandaloneValidator, StandaloneValidationError } from "./typed/standalone-validator.js";
export { bindTasks, type BoundTask, type BoundTasks, type TaskEnqueuer, type TypedEnqueueOptions } from "./typed/bind-tasks.js";
export type { TypedSignature, SignatureResult } from "./typed/typed-signature.js";
export { CheckedAsyncResult } from "./typed/checked-async-result.js";
export type { CheckChain, ChainResult, ChainStep, CheckChordBody, GroupResults, HeaderResults, StepInput, StepResult } from "./typed/check-chain.js";
