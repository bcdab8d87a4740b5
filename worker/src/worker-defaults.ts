import type { ControlCommand } from "./control/control-command.js";
import type { CompressionName } from "../../sdk/src/codec/body/compression.js";
import type { SerializerName, TaskSerializerName } from "../../sdk/src/codec/body/content-types.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { toRoutingSettings } from "../../sdk/src/routing/to-routing-settings.js";
import type { PublishTracer } from "../../sdk/src/tracing/publish-tracer.js";
import { filterHiddenSettings } from "../../sdk/src/config/filter-hidden-settings.js";
import type { ResolvedCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";
import { mailboxSettingsOf } from "../../sdk/src/control/pidbox-entities.js";
import { queueExchange, type QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import { startPidbox } from "./control/start-pidbox.js";
import { createEventDispatcher } from "./events/create-event-dispatcher.js";
import type { EventDispatcher } from "./events/event-dispatcher.js";
import { AsyncPool } from "./pool/async-pool.js";
import { TASK_LOG } from "./logging/task-log-messages.js";
import { connectWorkerOutcomes } from "./outcomes/connect-worker-outcomes.js";
import type { OutcomeRecorder } from "./outcomes/outcome-recorder.js";
import { createProcessPool } from "./pool/create-process-pool.js";
import type { ExecutionPool } from "./pool/execution-pool.js";
import type { MaybeClosable, PidboxServices, PoolServices, RunningPidbox, WorkerServices } from "./worker-options.js";

/**
 * The outcome recorder: the one given in the options (an instance or a factory), else Celery's for `backend`, whose
 * Redis connection must be up within `connectTimeoutMs` (aborting `signal`, the worker stopping, ends the wait).
 */
export async function createDefaultOutcomes(
  services: WorkerServices,
  signal: AbortSignal,
  publishTracer: PublishTracer | null = null,
): Promise<OutcomeRecorder & MaybeClosable> {
  const o = services.options;
  const given = o.outcomes;
  if (given !== null) return typeof given === "function" ? await given(services) : given;
  const s = o.config.settings;
  return connectWorkerOutcomes(
    {
      transport: services.transport,
      backend: o.backend,
      hostname: services.hostname,
      registry: services.registry,
      routing: toRoutingSettings(s),
      queues: o.queueTable.list(),
      taskSerializer: s.task_serializer as TaskSerializerName,
      ...(o.signer === null ? {} : { signer: o.signer }),
      taskCompression: (s.task_compression ?? null) as CompressionName | null,
      resultExtended: s.result_extended,
      ...(s.result_expires === null ? {} : { resultExpiresSeconds: s.result_expires }),
      inheritParentPriority: s.task_inherit_parent_priority,
      ...(o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs }),
      redisUseSsl: o.redisBackendUseSsl,
      redisUseSslSetting: o.connectSettingNames.redisBackendUseSsl,
      publishTracer,
    },
    { connectTimeoutSetting: o.connectSettingNames.connectTimeout, urlSetting: o.connectSettingNames.backend, signal },
  );
}

/** Events: the given dispatcher or factory, else Celery's dispatcher on the worker's broker (task events per `-E`). */
export async function createDefaultEventDispatcher(services: WorkerServices): Promise<EventDispatcher> {
  const given = services.options.eventDispatcher;
  if (given !== null) return typeof given === "function" ? await given(services) : given;
  return createEventDispatcher({
    transport: services.transport,
    hostname: services.hostname,
    enabled: services.options.events,
    // Celery's Events step: `task_events or not without_gossip or not without_heartbeat`.
    workerEvents: services.options.heartbeat || services.options.gossip || services.options.events,
    clock: services.state.clock,
    log: services.logger,
    exchange: services.options.config.settings.event_exchange,
    serializer: services.options.config.settings.event_serializer as SerializerName,
  });
}

/**
 * The worker's pool (`--pool`) plus, when a registered task asks for the other kind in `TaskOptions.pool`, that one
 * too; both with the worker's concurrency.
 */
export async function createPools(services: WorkerServices): Promise<{ pool: ExecutionPool; pools: ReadonlyMap<string, ExecutionPool> }> {
  const poolServices: PoolServices = {
    ...services,
    // With autoscale the pool starts at its min (at least 1) and the autoscaler grows it.
    concurrency: services.options.autoscale === null ? services.options.concurrency : Math.max(1, services.options.autoscale.min),
    onSoftTimeLimit: (request, seconds) => services.logger.warning(TASK_LOG.softTimeLimit(seconds, request.name, request.id)),
  };
  const wanted = new Set<string>([services.options.pool]);
  for (const name of services.registry.names()) {
    const kind = services.registry.get(name)?.options.pool;
    if (kind !== undefined) wanted.add(kind);
  }
  const pools = new Map<string, ExecutionPool>();
  try {
    // Autoscale sizes the worker's pool only; the other kind (asked for by a task) gets the full concurrency.
    for (const kind of wanted)
      pools.set(kind, await createPool(kind, kind === services.options.pool ? poolServices : { ...poolServices, concurrency: services.options.concurrency }));
  } catch (e) {
    await Promise.allSettled([...pools.values()].map((p) => p.close()));
    throw e;
  }
  const pool = pools.get(services.options.pool);
  if (pool === undefined) throw new CeleryProtoError("InvalidOption", `pool: ${services.options.pool} could not be created`);
  return { pool, pools };
}

async function createPool(kind: string, services: PoolServices): Promise<ExecutionPool> {
  if (kind === "async") return new AsyncPool({ concurrency: services.concurrency, onSoftTimeLimit: services.onSoftTimeLimit });
  const factory = services.options.processPool;
  if (factory !== null) return factory(services);
  const taskModule = services.options.taskModule;
  if (taskModule === null)
    throw new CeleryProtoError("InvalidOption", "taskModule: a task asks for the process pool, whose children load the task module: give its path");
  const pool = createProcessPool({
    concurrency: services.concurrency,
    taskModule,
    onSoftTimeLimit: services.onSoftTimeLimit,
    maxTasksPerChild: services.options.maxTasksPerChild,
    maxMemoryPerChild: services.options.maxMemoryPerChild,
    onMaxMemoryExceeded: (used, limit) => services.logger.warning(`child process exiting after exceeding memory limit (${used}KiB / ${limit}KiB)`),
    onProcessExited: (name, pid, status) => services.logger.error(TASK_LOG.processExited(name, pid, status)),
    timeouts: [services.options.softTimeLimit, services.options.timeLimit],
  });
  try {
    await pool.ready();
  } catch (e) {
    await pool.close().catch(() => undefined);
    throw e;
  }
  return pool;
}

/** Remote control: the given pidbox factory, none with `control: false`, else Celery's pidbox (with mingle). */
export async function startDefaultPidbox(services: PidboxServices): Promise<RunningPidbox | null> {
  const given = services.options.control;
  if (given === false) return null;
  if (given !== null) return given(services);
  return startBrokerPidbox(services);
}

/** The project's pidbox on the worker's broker, with `commands` added to (or replacing) the built-in ones. */
export async function startBrokerPidbox(services: PidboxServices, commands: readonly ControlCommand[] = []): Promise<RunningPidbox> {
  const specs = new Map<string, QueueSpec>(services.options.queues.map((q) => [q.name, q]));
  const pidbox = await startPidbox({
    transport: services.transport,
    hostname: services.hostname,
    state: services.state,
    control: services.control,
    registry: services.registry,
    dispatcher: services.events,
    mingle: services.options.mingle,
    onRevoked: services.onRevoked,
    onRateLimitChanged: services.onRateLimitChanged,
    revokedStamps: services.revokedStamps,
    pool: services.pool,
    // add_consumer of a queue the app declares (task_queues) declares it as the app does (Celery's queues.select_add).
    describeQueue: (name) => specs.get(name) ?? services.options.queueTable.find(name) ?? { name, exchange: queueExchange({ name }) },
    accept: services.options.accept,
    serializer: services.options.config.settings.task_serializer as TaskSerializerName,
    signer: services.options.signer ?? undefined,
    verifier: services.options.verifier ?? undefined,
    mailbox: mailboxSettingsOf(services.options.config.settings),
    settings: configuredSettings(services.options.config),
    log: services.logger,
    commands,
  });
  return { close: () => pidbox.stop() };
}

/** What `inspect conf` reports: the settings the configuration set (Celery's `app.conf.table(with_defaults=False)`), secrets masked. */
function configuredSettings(config: ResolvedCelerySettings): Readonly<Record<string, unknown>> {
  const set = Object.fromEntries(config.configured.map((name) => [name, config.settings[name]]));
  return filterHiddenSettings(set);
}
