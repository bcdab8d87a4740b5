import type { SuccessfulRequestsLimits } from "./app/worker-state.js";
import type { CelerySslSetting } from "../../sdk/src/transport/tls/celery-ssl-setting.js";
import type { AuthLayout } from "../../sdk/src/security/auth-payload.js";
import type { MessageSigner, MessageVerifier } from "../../sdk/src/security/message-signing.js";
import type { CeleryConfigInput } from "../../sdk/src/config/celery-config.js";
import type { ResolvedCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";
import type { QueueTable } from "../../sdk/src/routing/create-queue-table.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import type { ConnectSettingNames } from "../../sdk/src/transport/create-transport-options.js";
import type { KombuRedisOptions } from "../../sdk/src/transport/redis/kombu-redis-options.js";
import type { TaskRegistry } from "./app/task-registry.js";
import type { WorkerControl } from "./app/worker-control.js";
import type { WorkerState } from "./app/worker-state.js";
import type { EventDispatcher } from "./events/event-dispatcher.js";
import type { HeartbeatCounts } from "./events/start-heartbeat.js";
import type { LogLevel } from "./logging/log-level.js";
import type { WorkerLogger } from "./logging/worker-logger.js";
import type { OutcomeRecorder } from "./outcomes/outcome-recorder.js";
import type { ExecutionPool } from "./pool/execution-pool.js";
import type { TaskRequest } from "./request/task-request.js";
import type { WorkerTracingOptions } from "./tracing/tracing-options.js";

/** Options of `createWorker`. Every default is Celery's (`celery worker` and its settings) but the async pool's `concurrency`; see `DEFAULT_WORKER_OPTIONS`. */
export interface WorkerOptions {
  /**
   * The app's configuration by Celery's setting names (or one `loadCeleryConfig` read): the worker reads it as `celery
   * worker` reads `app.conf` — broker and backend, connection retries, concurrency, prefetch, events, accepted content,
   * time limits, `task_queues` (consumed when `queues` is not given; `-Q` names are looked up there), the task defaults
   * (`task_acks_late`, `task_track_started`, ...) and `task_annotations`, result settings, and the routing of what
   * tasks publish (callbacks, chain steps, chord bodies, retries). The other options win over it. Default: Celery's.
   */
  readonly config?: CeleryConfigInput;
  /** Broker URL (`amqp://`, `redis://`, `memory://`) or a connected transport. Default `$CELERY_BROKER_URL`, else `amqp://guest:guest@localhost:5672//`. */
  readonly broker?: string | Transport;
  /**
   * Result backend URL (`redis://`, `rpc://`), or null for none. A Redis one is connected at start-up, after the broker,
   * within `connectTimeoutMs` (not retried: `start()` rejects). Default `$CELERY_RESULT_BACKEND`, else none.
   */
  readonly backend?: string | null;
  /** kombu Redis transport options (Celery's `broker_transport_options`), for a `redis://` broker URL. Default none. */
  readonly brokerTransportOptions?: KombuRedisOptions;
  /**
   * Celery's `broker_use_ssl`: TLS to the broker, `true` or the broker library's ssl options (see
   * `CreateTransportOptions.brokerUseSsl`). Default false (TLS only for `amqps://` and `rediss://`).
   */
  readonly brokerUseSsl?: CelerySslSetting;
  /** Celery's `redis_backend_use_ssl`: redis-py's ssl options for a Redis result backend. Default none. */
  readonly redisBackendUseSsl?: Readonly<Record<string, unknown>> | null;
  /**
   * Time one attempt to connect to the broker may take, in ms (Celery's `broker_connection_timeout`), and the connection
   * to a Redis result backend. Default 4000; for a Redis broker, `brokerTransportOptions.socket_connect_timeout` when
   * that is set.
   */
  readonly connectTimeoutMs?: number;
  /**
   * `broker_connection_retry_on_startup`: retry a broker that cannot be reached at start-up (logging each retry as
   * Celery does) instead of failing at once. Wrong credentials, a missing vhost or database fail at once regardless.
   * Default true.
   */
  readonly brokerConnectionRetryOnStartup?: boolean;
  /** `broker_connection_max_retries`: start-up retries before `start()` rejects; `Infinity` retries forever. Default 100. */
  readonly brokerConnectionMaxRetries?: number;
  /** How connection errors name the settings above and `backend` (`proto worker` passes its flags). Default: these options' names. */
  readonly connectSettingNames?: WorkerConnectSettingNames;
  /** Queues to consume (`-Q`): names (Celery's default declaration) or full specs. Default `["celery"]`. */
  readonly queues?: readonly (string | QueueSpec)[];
  /** Queues not to consume (`-X`, Celery's `app.amqp.queues.exclude`): taken out of `queues`. Default none. */
  readonly excludeQueues?: readonly string[];
  /**
   * Simultaneous executions (`-c`). Default: 50 with the async pool (handlers are promises in one process, as with
   * Celery's gevent pool, where `-c` is set high: more of them in flight also means larger fetches from the broker),
   * `os.availableParallelism()` (Celery's default) with the process pool; with `autoscale`, its `max`.
   */
  readonly concurrency?: number;
  /**
   * `--autoscale MAX,MIN` (Celery's `worker_autoscaler`, C:celery/worker/autoscale.py): the pool starts with `min`
   * executions (at least 1) and grows up to `max` while more requests are reserved than it runs, shrinking back after
   * `keepaliveSeconds` without growth. The prefetch is `max × prefetchMultiplier`. For the process pool it is the number
   * of child processes, for the async pool the concurrency limit. Default null (a fixed pool of `concurrency`).
   */
  readonly autoscale?: AutoscaleOptions | null;
  /**
   * `worker_max_tasks_per_child` (`--max-tasks-per-child`): a process-pool child is replaced after this many tasks.
   * The process pool only (`pool: "process"`, `-P process`). Default null (never).
   */
  readonly maxTasksPerChild?: number | null;
  /**
   * `worker_max_memory_per_child` (`--max-memory-per-child`), KiB: a process-pool child whose resident memory is above
   * this after a task is replaced (the task's result stands), as billiard does. The process pool only. Default null.
   */
  readonly maxMemoryPerChild?: number | null;
  /**
   * `task_time_limit` (`--time-limit`), seconds: the hard time limit of tasks that set none (a message's `timelimit`
   * header still wins, then the task's `timeLimit`). Default null (none).
   */
  readonly timeLimit?: number | null;
  /** `task_soft_time_limit` (`--soft-time-limit`), seconds: the soft limit of tasks that set none. Default null. */
  readonly softTimeLimit?: number | null;
  /** `worker_prefetch_multiplier`: prefetch = concurrency × this; 0 = no limit. Default 4. */
  readonly prefetchMultiplier?: number;
  /** `worker_eta_task_limit`: most ETA tasks held at once raise the prefetch by (null = no cap). Default null. */
  readonly etaTaskLimit?: number | null;
  /** Node name (`-n`), `name@host`; `%h` (host), `%n` (host name part), `%d` (domain) expanded. Default `celery@%h`. */
  readonly hostname?: string;
  /** Where handlers run (`--pool`): "async" (promises in process) or "process" (child processes). Default "async". */
  readonly pool?: "async" | "process";
  /** Send task events (`-E`, `worker_send_task_events`). Default false. */
  readonly events?: boolean;
  /** `accept_content`: serializers accepted, by name or content type. Default `["json"]`. */
  readonly accept?: readonly string[];
  /**
   * With `task_serializer='auth'`: the layout of what the worker signs (callbacks, retries, remote-control replies):
   * `"5.5"` for Celery 5.5 and later peers (the default), `"5.3"` for Celery 5.3/5.4 peers. Verifying reads both.
   */
  readonly authLayout?: AuthLayout;
  /** `-l`: DEBUG, INFO, WARNING, ERROR, CRITICAL (any case). Default "WARNING". Ignored when `logger` is given. */
  readonly logLevel?: LogLevel | string;
  /** Where log records go. Default: Celery's format on stderr at `logLevel`. */
  readonly logger?: WorkerLogger;
  /** `--statedb`: file persisting revoked ids (and the clock) across restarts. Default none. */
  readonly statedb?: string | null;
  /** Send `worker-heartbeat` events (`--without-heartbeat` turns it off). Default true. */
  readonly heartbeat?: boolean;
  /**
   * What `worker-heartbeat` events report as `active` and `processed`. Default: this worker's own tasks. The node of
   * `proto worker --consumer-processes N` reports its consumer processes' totals (`ConsumerCluster.counts`).
   */
  readonly heartbeatCounts?: () => HeartbeatCounts;
  /** Sync revoked ids with other workers at start (`--without-mingle` turns it off). Default true. */
  readonly mingle?: boolean;
  /**
   * Track the other workers from their `worker-*` events (Celery's gossip; `--without-gossip` turns it off): a
   * `celeryev.<uuid>` queue bound with `worker.#`, joins and losses logged, `Worker.aliveWorkers()`. Only on AMQP and
   * Redis, as Celery. Default true.
   */
  readonly gossip?: boolean;
  /**
   * Consume the task queues. False for the node process of `proto worker --consumer-processes N`, which runs remote
   * control, heartbeats, mingle and gossip while its forked children (see `startConsumerCluster`) consume. Default true.
   */
  readonly consumeTasks?: boolean;
  /** `worker_disable_rate_limits`. Default false. */
  readonly disableRateLimits?: boolean;
  /** The task registry to serve (e.g. one shared by several workers). Default a new, empty one. */
  readonly registry?: TaskRegistry;
  /** Result storage, callbacks, retries (an `OutcomeRecorder` or a factory). Default: the project's recorder. */
  readonly outcomes?: OutcomeRecorder | OutcomeRecorderFactory;
  /** Event sending (a dispatcher or a factory). Default: the project's dispatcher when events or heartbeats are on. */
  readonly eventDispatcher?: EventDispatcher | EventDispatcherFactory;
  /** Remote control (pidbox): a factory, or false for none. Default: the project's pidbox. */
  readonly control?: PidboxFactory | false;
  /** The "process" pool (a factory). Default: the project's child-process pool, loading `taskModule`. */
  readonly processPool?: ExecutionPoolFactory;
  /**
   * The task module (path) the process pool's children load (`proto worker -A` sets it); required for the default
   * process pool, since handlers cannot cross processes. Default none.
   */
  readonly taskModule?: string | null;
  /**
   * OpenTelemetry tracing as opentelemetry-instrumentation-celery does it (`run/<task>` spans, context carried into
   * everything the outcomes publish): true, or `{ useSpanLinks }`. Needs `@opentelemetry/api` (an optional peer
   * dependency, loaded only then; `start()` rejects naming it when missing) and the user's registered SDK. Default false.
   */
  readonly tracing?: boolean | WorkerTracingOptions;
}

/** `autoscale`: the pool's bounds and how long it stays grown. */
export interface AutoscaleOptions {
  /** Most executions (processes for the process pool). An integer >= 1. */
  readonly max: number;
  /** Fewest executions, an integer >= 0 and <= max (the pool keeps at least 1). Default 0. */
  readonly min?: number;
  /** Celery's `AUTOSCALE_KEEPALIVE`: seconds after the last growth before the pool may shrink. Default 30. */
  readonly keepaliveSeconds?: number;
}

/** How a worker's connection errors name its settings: the broker's (`ConnectSettingNames`) and the result backend's. */
export interface WorkerConnectSettingNames extends ConnectSettingNames {
  /** What sets `backend`, as a result backend refusing its password or database names it. Default `"backend"`. */
  readonly backend?: string;
  /** What sets `redisBackendUseSsl`. Default `"redisBackendUseSsl"`. */
  readonly redisBackendUseSsl?: string;
}

/** Celery's defaults (those that are constants). */
export const DEFAULT_WORKER_OPTIONS = Object.freeze({
  backend: null as string | null,
  brokerConnectionRetryOnStartup: true,
  brokerConnectionMaxRetries: 100,
  queues: Object.freeze(["celery"]) as readonly string[],
  prefetchMultiplier: 4,
  etaTaskLimit: null as number | null,
  hostname: "celery@%h",
  pool: "async" as "async" | "process",
  /** The async pool's concurrency when none is given (the process pool's is the number of CPUs, as Celery's). */
  asyncConcurrency: 50,
  events: false,
  accept: Object.freeze(["json"]) as readonly string[],
  logLevel: "WARNING" as LogLevel,
  statedb: null as string | null,
  heartbeat: true,
  mingle: true,
  gossip: true,
  consumeTasks: true,
  disableRateLimits: false,
  autoscale: null as CompiledAutoscale | null,
  maxTasksPerChild: null as number | null,
  maxMemoryPerChild: null as number | null,
  timeLimit: null as number | null,
  softTimeLimit: null as number | null,
  autoscaleKeepaliveSeconds: 30,
});

/** What factories get: the worker's pieces, ready to use (the transport is connected). */
export interface WorkerServices {
  readonly options: CompiledWorkerOptions;
  readonly hostname: string;
  readonly transport: Transport;
  readonly registry: TaskRegistry;
  readonly state: WorkerState;
  readonly logger: WorkerLogger;
}

/** Anything the worker closes at shutdown when it has a `close()`. */
export interface MaybeClosable {
  close?(): Promise<void>;
}

export type OutcomeRecorderFactory = (services: WorkerServices) => (OutcomeRecorder & MaybeClosable) | Promise<OutcomeRecorder & MaybeClosable>;
export type EventDispatcherFactory = (services: WorkerServices) => EventDispatcher | Promise<EventDispatcher>;

/** What the pidbox factory gets besides the services: the control surface, the dispatcher, the pool and core hooks. */
export interface PidboxServices extends WorkerServices {
  readonly control: WorkerControl;
  readonly events: EventDispatcher;
  readonly pool: ExecutionPool;
  /** `revoke_by_stamped_headers` entries (stamp → revoked values); the consumer discards matching messages. */
  readonly revokedStamps: Map<string, unknown[]>;
  /** `revoke` of ids not executing here: store REVOKED for those still PENDING/RECEIVED/RETRY/REJECTED (Celery >= 5.6.2). */
  readonly onRevoked: (ids: readonly string[]) => Promise<void>;
  /** `rate_limit` changed a task's rate: reset its token bucket. */
  readonly onRateLimitChanged: (taskName: string) => void;
}

export interface RunningPidbox {
  close(): Promise<void>;
}

export type PidboxFactory = (services: PidboxServices) => Promise<RunningPidbox>;

export interface PoolServices extends WorkerServices {
  readonly concurrency: number;
  /** Call when a soft time limit fires (the worker logs Celery's warning). */
  readonly onSoftTimeLimit: (request: TaskRequest, seconds: number) => void;
}

export type ExecutionPoolFactory = (services: PoolServices) => ExecutionPool | Promise<ExecutionPool>;

/** `WorkerOptions` with defaults applied, validated and frozen (`compileWorkerOptions`). */
export interface CompiledWorkerOptions {
  /** The bounds of `WorkerState.successful`, from `CELERY_WORKER_SUCCESSFUL_MAX` / `CELERY_WORKER_SUCCESSFUL_EXPIRES`. */
  readonly successfulRequests: SuccessfulRequestsLimits;
  /** The resolved configuration (Celery's defaults when none was given). */
  readonly config: ResolvedCelerySettings;
  /** What resolving `config` here warned about (nothing when it came resolved: its loader reported it); logged at start. */
  readonly configWarnings: readonly string[];
  /** The app's queues (`app.amqp.queues`), from the configuration. */
  readonly queueTable: QueueTable;
  readonly broker: string | Transport;
  readonly backend: string | null;
  readonly brokerTransportOptions: KombuRedisOptions;
  readonly brokerUseSsl: CelerySslSetting;
  readonly redisBackendUseSsl: Readonly<Record<string, unknown>> | null;
  /** Undefined: the transport's default (4000 ms, or Redis's `socket_connect_timeout`). */
  readonly connectTimeoutMs: number | undefined;
  readonly brokerConnectionRetryOnStartup: boolean;
  readonly brokerConnectionMaxRetries: number;
  readonly connectSettingNames: Required<WorkerConnectSettingNames>;
  readonly queues: readonly QueueSpec[];
  /** With `autoscale`, its `max`. */
  readonly concurrency: number;
  readonly autoscale: CompiledAutoscale | null;
  readonly maxTasksPerChild: number | null;
  readonly maxMemoryPerChild: number | null;
  readonly timeLimit: number | null;
  readonly softTimeLimit: number | null;
  readonly prefetchMultiplier: number;
  readonly etaTaskLimit: number | null;
  /** Expanded node name, e.g. `celery@myhost`. */
  readonly hostname: string;
  readonly pool: "async" | "process";
  readonly events: boolean;
  readonly accept: readonly string[];
  /** Verifies signed (`auth`) task messages: loaded from `security_cert_store` when `accept` has `auth`. */
  readonly verifier: MessageVerifier | null;
  /** Signs the tasks the worker sends: loaded from `security_key`/`security_certificate` when `task_serializer` is `auth`. */
  readonly signer: MessageSigner | null;
  readonly logLevel: LogLevel;
  readonly logger: WorkerLogger | null;
  readonly statedb: string | null;
  readonly heartbeat: boolean;
  readonly heartbeatCounts: (() => HeartbeatCounts) | null;
  readonly mingle: boolean;
  readonly gossip: boolean;
  readonly consumeTasks: boolean;
  readonly disableRateLimits: boolean;
  readonly registry: TaskRegistry | null;
  readonly outcomes: OutcomeRecorder | OutcomeRecorderFactory | null;
  readonly eventDispatcher: EventDispatcher | EventDispatcherFactory | null;
  readonly control: PidboxFactory | false | null;
  readonly processPool: ExecutionPoolFactory | null;
  readonly taskModule: string | null;
  /** null: tracing off. */
  readonly tracing: WorkerTracingOptions | null;
}

/** `AutoscaleOptions` with its defaults applied. */
export interface CompiledAutoscale {
  readonly max: number;
  readonly min: number;
  readonly keepaliveSeconds: number;
}
