import { redisBackendTls } from "../../../sdk/src/results/redis-backend-tls.js";
import type { CelerySslSetting } from "../../../sdk/src/transport/tls/celery-ssl-setting.js";
import { CeleryClient } from "../../../sdk/src/client/celery-client.js";
import type { QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import { compileClientOptions } from "../../../sdk/src/client/compile-client-options.js";
import type { CompressionName } from "../../../sdk/src/codec/body/compression.js";
import type { TaskSerializerName } from "../../../sdk/src/codec/body/content-types.js";
import type { MessageSigner } from "../../../sdk/src/security/message-signing.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { DisabledResultBackend } from "../../../sdk/src/results/disabled-result-backend.js";
import { RedisResultBackend } from "../../../sdk/src/results/redis-result-backend.js";
import type { RedisResultBackendOptions } from "../../../sdk/src/results/redis-result-backend-options.js";
import type { ResultBackend } from "../../../sdk/src/results/result-backend.js";
import type { RoutingSettings } from "../../../sdk/src/routing/routing-settings.js";
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS } from "../../../sdk/src/transport/redis/wait-for-redis-client.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { TaskRegistry } from "../app/task-registry.js";
import { CeleryOutcomeRecorder } from "./create-outcome-recorder.js";
import { DisabledResultStore } from "./disabled-result-store.js";
import type { TaskRequest } from "../request/task-request.js";
import type { OutcomeRecorder, StoredSuccessCheck } from "./outcome-recorder.js";
import type { OutcomeRecorderOptions } from "./outcome-recorder-options.js";
import { RedisResultStore } from "./redis-result-store.js";
import type { ResultStore } from "./result-store.js";
import { RpcResultStore } from "./rpc-result-store.js";
import { registerBuiltins } from "./register-builtins.js";
import { toWorkerProducerBackend } from "./to-worker-producer-backend.js";
import type { PublishTracer } from "../../../sdk/src/tracing/publish-tracer.js";

/** Options of `createWorkerOutcomes`: a worker's result settings by Celery's names. */
export interface WorkerOutcomesOptions {
  /** The worker's broker connection: what outcomes publish goes there (and RPC replies). Not closed by `close()`. */
  readonly transport: Transport;
  /** `result_backend`: `redis://…`/`rediss://…`, `rpc://`, or null for none. */
  readonly backend: string | null;
  /** Celery's `redis_backend_use_ssl` for a Redis backend (redis-py's ssl options). Default none. */
  readonly redisUseSsl?: CelerySslSetting | null;
  /** What errors call `redisUseSsl`. Default `"redis_backend_use_ssl"`. */
  readonly redisUseSslSetting?: string;
  /** The worker's node name (STARTED's `hostname`). */
  readonly hostname: string;
  /** When given, Celery's built-in tasks are registered on it (unless already there). */
  readonly registry?: TaskRegistry;
  /** `task_default_queue` of what outcomes publish without a queue (callbacks, chain steps, chord bodies). Default `"celery"`. */
  readonly defaultQueue?: string;
  /**
   * The app's routing settings (`task_routes`, `task_queues`, `task_default_*`): callbacks, chain steps, chord bodies
   * and retries are routed and declared with them, as a Python worker of the same app does. Default: Celery's.
   */
  readonly routing?: RoutingSettings;
  /**
   * The app's queue table as the worker holds it (with the `-Q` queues it created, as Celery's `app.amqp.queues`):
   * what outcomes publish is routed with it, and a quorum queue among them turns native delayed delivery on for
   * retries and countdowns. Default: the table of `routing`.
   */
  readonly queues?: readonly QueueSpec[];
  /** `task_serializer` and `task_compression` of what outcomes publish. Default json, none. */
  readonly taskSerializer?: TaskSerializerName;
  /** Signs what outcomes publish when `taskSerializer` is `auth`. */
  readonly signer?: MessageSigner;
  readonly taskCompression?: CompressionName | null;
  /** `result_extended`. Default false. */
  readonly resultExtended?: boolean;
  /** `result_expires` in seconds. Default 86400. */
  readonly resultExpiresSeconds?: number;
  /** `result_persistent` (RPC replies with delivery mode 2). Default false. */
  readonly resultPersistent?: boolean;
  /** `task_inherit_parent_priority`. Default false. */
  readonly inheritParentPriority?: boolean;
  /** Tracing on: what the outcomes publish gets an `apply_async/<task>` span under the active (`run`) span. */
  readonly publishTracer?: PublishTracer | null;
  /**
   * Time a Redis result backend's connections may take to connect (and each reconnection), in ms. Default 4000
   * (Celery's `broker_connection_timeout`).
   */
  readonly connectTimeoutMs?: number;
  /**
   * The remaining Redis result backend settings (chord expiry and ordering, key prefix, failure expiry, ioredis
   * options over the worker's retry policy, ...).
   */
  readonly redis?: Omit<RedisResultBackendOptions, "resultExpiresSeconds">;
  /** What Celery logs as warnings (a lost chord dispatch claim). Default: ignored. */
  readonly onWarning?: (message: string) => void;
}

/** A recorder with the store and the result backend it opened; `close()` releases them (not the transport). */
export interface WorkerOutcomes extends OutcomeRecorder {
  readonly store: ResultStore;
  /** The result backend: the store writes through it (Redis) and the worker's producer reads through it. */
  readonly backend: ResultBackend;
  checkStoredSuccess(request: TaskRequest): Promise<StoredSuccessCheck>;
  close(): Promise<void>;
}

/**
 * Everything a worker needs for outcomes from its `result_backend` URL: one result backend (Redis: one connection,
 * which the store writes states and chord counters through and the producer writes chord sizes and reads results
 * through; the pub/sub connection opens only if a task waits for a result), the store (Redis, RPC on the worker's own
 * transport, or none), a producer on the worker's transport that subscribes to nothing for what it sends, Celery's
 * built-ins on the registry, and the recorder. Unknown backend schemes are refused, naming `backend`.
 */
export function createWorkerOutcomes(options: WorkerOutcomesOptions): WorkerOutcomes {
  const url = options.backend === null || options.backend === "" || options.backend === "disabled://" ? null : options.backend;
  const scheme = url === null ? null : (/^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? "");
  const expires = options.resultExpiresSeconds ?? 86_400;
  let store: ResultStore;
  let backend: ResultBackend;
  if (url === null) {
    store = new DisabledResultStore();
    backend = new DisabledResultBackend();
  } else if (scheme === "redis" || scheme === "rediss") {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS;
    const tls = redisBackendTls(url, options.redisUseSsl ?? null, options.redisUseSslSetting ?? "redis_backend_use_ssl");
    const redis = new RedisResultBackend(url, {
      ...options.redis,
      resultExpiresSeconds: expires,
      // Celery's result backend `retry_policy`: 20 retries, the first at once, then 1 s apart (ioredis alone waits up
      // to 2 s between them: a write to a lost server took 73 s instead of ~20 s); each attempt bounded by the timeout.
      redisOptions: {
        maxRetriesPerRequest: 20,
        retryStrategy: (times: number) => (times <= 1 ? 0 : 1000),
        connectTimeout: Math.max(1, Math.round(connectTimeoutMs)),
        ...(tls === null ? {} : { tls }),
        ...options.redis?.redisOptions,
      },
    });
    store = new RedisResultStore({
      backend: redis,
      resultExtended: options.resultExtended ?? false,
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    backend = redis;
  } else if (scheme === "rpc") {
    store = new RpcResultStore({
      transport: options.transport,
      resultExtended: options.resultExtended ?? false,
      persistent: options.resultPersistent ?? false,
    });
    backend = new DisabledResultBackend();
  } else {
    throw new CeleryProtoError("InvalidOption", `backend: unsupported result backend ${JSON.stringify(url)}; use redis://, rediss://, rpc:// or none`);
  }
  const producerBackend = toWorkerProducerBackend(backend);
  const sender = new CeleryClient(
    options.transport,
    producerBackend,
    compileClientOptions({
      broker: options.transport,
      backend: producerBackend,
      ...(options.routing === undefined ? { defaultQueue: options.defaultQueue ?? "celery" } : { routing: options.routing }),
      ...(options.queues === undefined ? {} : { queues: options.queues }),
      ...(options.taskSerializer === undefined ? {} : { serializer: options.taskSerializer }),
      ...(options.signer === undefined ? {} : { signer: options.signer }),
      ...(options.taskCompression === undefined ? {} : { compression: options.taskCompression }),
    }),
    options.publishTracer ?? null,
  );
  if (options.registry !== undefined && !options.registry.has("celery.map")) registerBuiltins(options.registry, sender);
  return new WorkerOutcomeRecorder(
    { sender, store, hostname: options.hostname, inheritParentPriority: options.inheritParentPriority ?? false },
    store,
    backend,
  );
}

class WorkerOutcomeRecorder extends CeleryOutcomeRecorder implements WorkerOutcomes {
  constructor(
    options: OutcomeRecorderOptions,
    readonly store: ResultStore,
    readonly backend: ResultBackend,
  ) {
    super(options);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.store.close(), this.backend.close()]);
  }
}
