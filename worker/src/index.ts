// celery-proto worker: the public surface (explicit exports only).
export { createWorker } from "./create-worker.js";
export { Worker, type StopOptions } from "./worker.js";
export type {
  WorkerEventMap,
  WorkerEventName,
  WorkerEventListener,
  TaskEventBase,
  TaskReceivedEvent,
  TaskStartedEvent,
  TaskSucceededEvent,
  TaskFailedEvent,
  TaskRetriedEvent,
  TaskRevokedEvent,
  MessageRefusedEvent,
  RefusalKind,
  WorkerReadyEvent,
  WorkerShutdownEvent,
  TaskRejectedEvent,
  BrokerDisconnectedEvent,
  BrokerReconnectedEvent,
} from "./lifecycle/worker-event-map.js";
export { createWorkerMetrics, serveWorkerMetrics } from "./metrics/serve-worker-metrics.js";
export type { WorkerMetrics, WorkerMetricsServer, WorkerMetricsServerOptions } from "./metrics/worker-metrics.js";
export type { RefusalAction } from "./consumer/classify-refusal.js";
export { compileWorkerOptions } from "./compile-worker-options.js";
export {
  DEFAULT_WORKER_OPTIONS,
  type WorkerOptions,
  type CompiledWorkerOptions,
  type WorkerConnectSettingNames,
  type WorkerServices,
  type PidboxServices,
  type PoolServices,
  type RunningPidbox,
  type MaybeClosable,
  type OutcomeRecorderFactory,
  type EventDispatcherFactory,
  type PidboxFactory,
  type ExecutionPoolFactory,
} from "./worker-options.js";
export { expandNodeName } from "./expand-node-name.js";
export { loadTaskModule, type TaskModule, type TaskModuleEntry } from "./load-task-module.js";

export { TaskRegistry, type RegisteredTask } from "./app/task-registry.js";
export { implementTasks, type TaskImplementation, type TaskImplementations } from "./app/implement-tasks.js";
export { DEFAULT_TASK_OPTIONS, type TaskOptions } from "./app/task-options.js";
export type { TaskHandler } from "./app/task-handler.js";
export type { TaskContext, RetryOptions } from "./app/task-context.js";
export { WorkerState, type HeldRequest } from "./app/worker-state.js";
export type { WorkerControl } from "./app/worker-control.js";
export type { TaskRequest } from "./request/task-request.js";
export { buildTaskRequest } from "./request/build-task-request.js";
export {
  Retry,
  Reject,
  Ignore,
  SoftTimeLimitExceeded,
  TimeLimitExceeded,
  MaxRetriesExceededError,
  NotRegistered,
  TaskRevokedError,
  WorkerLostError,
  ChordError,
} from "./errors/task-control-errors.js";
export type { FailureRecordOptions, OutcomeRecorder, RetrySender } from "./outcomes/outcome-recorder.js";
export { NO_EVENTS, type EventDispatcher } from "./events/event-dispatcher.js";
export type { GossipPeer } from "./gossip/peer-table.js";
export type { ExecutionPool, ExecutionOutcome, ExecutionHooks, ExecutionLimits } from "./pool/execution-pool.js";
export type { TraceCarrier } from "../../sdk/src/tracing/trace-carrier.js";
export { AsyncPool, type AsyncPoolOptions } from "./pool/async-pool.js";

export { createCeleryLogger, formatAscTime, type WorkerLogger, type CeleryLoggerOptions } from "./logging/worker-logger.js";
export { LOG_LEVELS, parseLogLevel, type LogLevel } from "./logging/log-level.js";
export { formatStartupBanner, type StartupBannerInfo } from "./logging/format-startup-banner.js";
