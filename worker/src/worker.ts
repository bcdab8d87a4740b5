import { eventQueueOptionsOf } from "../../sdk/src/events/event-queue-options.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { maskBrokerUrl } from "../../sdk/src/transport/mask-broker-url.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { TaskRegistry } from "./app/task-registry.js";
import { type ConfiguredTaskOptions, taskOptionsFromConfig } from "./app/task-options-from-config.js";
import type { WorkerControl } from "./app/worker-control.js";
import { WorkerState } from "./app/worker-state.js";
import { connectBroker } from "./connect-broker.js";
import { decideGlobalQos } from "./consumer/decide-global-qos.js";
import { includeDelayedDelivery, startDelayedDelivery } from "./consumer/delayed-delivery.js";
import { markRevoked, statusReaderOf } from "./consumer/mark-revoked.js";
import { loadStateDb, saveStateDb } from "./persistent-state.js";
import { TaskConsumer } from "./consumer/task-consumer.js";
import { describeBroker } from "./describe-broker.js";
import type { EventDispatcher } from "./events/event-dispatcher.js";
import { WorkerEventEmitter } from "./lifecycle/worker-event-emitter.js";
import type { WorkerEventListener, WorkerEventName } from "./lifecycle/worker-event-map.js";
import { startHeartbeat, type Heartbeat } from "./events/start-heartbeat.js";
import type { GossipPeer } from "./gossip/peer-table.js";
import { CeleryOutcomeRecorder } from "./outcomes/create-outcome-recorder.js";
import type { OutcomeRecorder } from "./outcomes/outcome-recorder.js";
import { type Gossip, startGossip, supportsGossip } from "./gossip/start-gossip.js";
import { TASK_LOG } from "./logging/task-log-messages.js";
import { createCeleryLogger, type WorkerLogger } from "./logging/worker-logger.js";
import type { ExecutionPool } from "./pool/execution-pool.js";
import { createRateLimiter } from "./pool/rate-limiter.js";
import { createDefaultEventDispatcher, createDefaultOutcomes, createPools, startDefaultPidbox } from "./worker-defaults.js";
import { Autoscaler } from "./pool/autoscaler.js";
import type { CompiledAutoscale, CompiledWorkerOptions, MaybeClosable, RunningPidbox, WorkerServices } from "./worker-options.js";

/**
 * How the worker stops: warm (let running tasks finish) or cold (abort them and requeue every message not yet
 * acknowledged; a running task acknowledged early, the default without `acksLate`, is not redelivered).
 */
export interface StopOptions {
  readonly cold?: boolean;
}

type Phase = "created" | "starting" | "running" | "stopping-warm" | "stopping-cold" | "stopped";

/** Everything the worker opened at start (filled in as it opens), closed in reverse order at stop. */
interface Running {
  readonly transport: Transport;
  readonly ownsTransport: boolean;
  outcomes: MaybeClosable | null;
  events: EventDispatcher | null;
  heartbeat: Heartbeat | null;
  pool: ExecutionPool | null;
  pools: readonly ExecutionPool[];
  consumer: TaskConsumer | null;
  pidbox: RunningPidbox | null;
  gossip: Gossip | null;
  autoscaler: Autoscaler | null;
  stateTimer: NodeJS.Timeout | null;
}

/**
 * A Celery worker for TypeScript handlers: consumes task messages from Python (or TS) producers, runs the
 * registered handlers, stores results as Celery does, and answers remote control. Created by `createWorker`;
 * register tasks on `registry`, then `start()`. Implements the `WorkerControl` surface remote control uses.
 * `on`/`once`/`off` subscribe to its lifecycle events (Celery's signals; `WorkerEventMap`), emitted in this process
 * whichever pool runs the handlers.
 */
export class Worker implements WorkerControl {
  readonly registry: TaskRegistry;
  readonly state: WorkerState;
  /** `revoke_by_stamped_headers` entries (Celery's `worker_state.revoked_stamps`). */
  readonly revokedStamps = new Map<string, unknown[]>();
  readonly hostname: string;
  readonly logger: WorkerLogger;
  private readonly configuredTaskOptions: ConfiguredTaskOptions;
  private readonly lifecycle: WorkerEventEmitter;
  private phase: Phase = "created";
  private running: Running | null = null;
  private starting: Promise<void> | null = null;
  private warmStop: Promise<void> | null = null;
  private coldStop: Promise<void> | null = null;
  private pidboxClosed: Promise<void> | null = null;
  private resolveStopped: () => void = () => undefined;
  private shutdownEmitted = false;
  /** Aborted by `stop()`: ends start-up connection retries (and the wait for the result backend) at once. */
  private readonly connecting = new AbortController();
  /** Resolves once the worker has stopped (after `stop()`, the `shutdown` control command, or a failed start). */
  readonly stopped: Promise<void>;

  constructor(readonly options: CompiledWorkerOptions) {
    this.registry = options.registry ?? new TaskRegistry();
    this.state = new WorkerState(options.successfulRequests);
    this.configuredTaskOptions = taskOptionsFromConfig(options.config.settings);
    this.registry.configure(this.configuredTaskOptions);
    this.hostname = options.hostname;
    this.logger = options.logger ?? createCeleryLogger({ level: options.logLevel });
    this.lifecycle = new WorkerEventEmitter(this.logger);
    this.stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  }

  /** Calls `listener` on every `name` event. A listener that throws is logged; it never breaks the worker or a task. */
  on<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    this.lifecycle.on(name, listener);
    return this;
  }

  /** Calls `listener` on the next `name` event only. */
  once<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    this.lifecycle.once(name, listener);
    return this;
  }

  off<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    this.lifecycle.off(name, listener);
    return this;
  }

  listenerCount(name: WorkerEventName): number {
    return this.lifecycle.listenerCount(name);
  }

  /** Connects, starts events/heartbeat, remote control and the task consumer; resolves once it consumes. */
  start(): Promise<void> {
    if (this.phase !== "created") return Promise.reject(new CeleryProtoError("InvalidOption", `start: the worker was already started (${this.phase})`));
    this.phase = "starting";
    this.starting = this.start_();
    return this.starting;
  }

  private async start_(): Promise<void> {
    const o = this.options;
    for (const warning of [...o.configWarnings, ...this.configuredTaskOptions.warnings]) this.logger.warning(warning);
    let transport: Transport;
    try {
      transport =
        typeof o.broker === "string"
          ? await connectBroker(o.broker, o, this.logger, this.connecting.signal, {
              onRequeuedByBroker: () => this.running?.consumer?.dropUnstarted(),
              onLost: (error) => this.lifecycle.has("broker:disconnected") && this.lifecycle.emit("broker:disconnected", { error }),
              onRestored: () => this.lifecycle.has("broker:reconnected") && this.lifecycle.emit("broker:reconnected", {}),
            })
          : o.broker;
    } catch (e) {
      this.phase = "stopped";
      this.finishStop(true);
      throw this.connecting.signal.aborted
        ? new CeleryProtoError("TransportClosed", "the worker was stopped before it connected to the broker", { cause: e })
        : e;
    }
    const running: Running = {
      transport,
      ownsTransport: typeof o.broker === "string",
      outcomes: null,
      events: null,
      heartbeat: null,
      pool: null,
      pools: [],
      consumer: null,
      pidbox: null,
      gossip: null,
      autoscaler: null,
      stateTimer: null,
    };
    this.running = running;
    try {
      if (o.statedb !== null) await loadStateDb(o.statedb, this.state);
      const services: WorkerServices = { options: o, hostname: this.hostname, transport, registry: this.registry, state: this.state, logger: this.logger };
      // Loaded only with tracing on: nothing of @opentelemetry/api otherwise.
      const tracers = o.tracing === null ? null : await (await import("./tracing/load-worker-tracers.js")).loadWorkerTracers(o.tracing, this.logger);
      const outcomes = await createDefaultOutcomes(services, this.connecting.signal, tracers?.publish ?? null);
      running.outcomes = outcomes;
      const events = await createDefaultEventDispatcher(services);
      running.events = events;
      running.heartbeat = o.heartbeat ? startHeartbeat(events, this.state, o.heartbeatCounts === null ? {} : { counts: o.heartbeatCounts }) : null;
      const { pool, pools } = await createPools(services);
      running.pool = pool;
      running.pools = [...new Set(pools.values())];
      const settings = o.config.settings;
      // Celery's Tasks step: the QoS flag from the connected broker and the queue table.
      const qos = decideGlobalQos(transport, o.queueTable, settings.worker_detect_quorum_queues);
      if (qos.quorumQueue !== null) this.logger.info("Global QoS is disabled. Prefetch count is now static.");
      const rateLimiter = o.disableRateLimits ? null : createRateLimiter();
      rateLimiter?.resetRateLimits(this.registry);
      const consumer = new TaskConsumer({
        transport,
        registry: this.registry,
        state: this.state,
        outcomes,
        events,
        logger: this.logger,
        hostname: this.hostname,
        accept: o.accept,
        verifier: o.verifier,
        pool,
        pools,
        rateLimiter,
        prefetchMultiplier: o.prefetchMultiplier,
        prefetchConcurrency: o.concurrency,
        defaultLimits: { hard: o.timeLimit, soft: o.softTimeLimit },
        etaTaskLimit: o.etaTaskLimit,
        revokedStamps: this.revokedStamps,
        qos: transport.kind === "amqp" ? { global: qos.global, staticPrefetch: qos.staticPrefetch } : {},
        lifecycle: this.lifecycle,
        tracer: tracers?.run ?? null,
        deduplicateSuccessfulTasks: settings.worker_deduplicate_successful_tasks === true && this.resultsPersistent(outcomes),
      });
      running.consumer = consumer;
      running.autoscaler = o.autoscale === null ? null : this.startAutoscaler(o.autoscale, pool, consumer);
      running.pidbox = await startDefaultPidbox({
        ...services,
        control: this,
        events,
        pool,
        revokedStamps: this.revokedStamps,
        onRevoked: (ids) => markRevoked(ids, outcomes, statusReaderOf(outcomes), this.state, this.hostname, this.logger),
        onRateLimitChanged: (name) => rateLimiter?.setRate(name, this.registry.get(name)?.options.rateLimit ?? null),
      });
      // Celery's Gossip step comes after Control; it is silently off on transports other than AMQP and Redis.
      running.gossip = o.gossip && supportsGossip(transport) ? await this.startGossip(transport, events, outcomes) : null;
      // Celery's DelayedDelivery step: after the queues are declared, before consuming.
      const delayedDelivery =
        o.consumeTasks && includeDelayedDelivery(transport, o.queueTable)
          ? () =>
              startDelayedDelivery({
                transport,
                table: o.queueTable,
                queueType: settings.broker_native_delayed_delivery_queue_type,
                brokerDisplay: typeof o.broker === "string" ? maskBrokerUrl(o.broker) : `${transport.kind}://`,
                logger: this.logger,
              }).then(() => undefined)
          : undefined;
      // A cluster's node process consumes nothing itself: its children do (`consumeTasks: false`).
      if (o.consumeTasks) await consumer.start(o.queues, delayedDelivery);
      running.stateTimer = o.statedb === null ? null : setInterval(() => void this.saveState(), 60_000).unref();
      if (this.phase === "starting") this.phase = "running";
      this.logger.info(TASK_LOG.ready(this.hostname));
      if (this.lifecycle.has("worker:ready"))
        this.lifecycle.emit("worker:ready", { hostname: this.hostname, queues: this.queues(), pool: pool.implementation, concurrency: pool.concurrency });
    } catch (e) {
      this.phase = "stopped";
      await running.pidbox?.close().catch(() => undefined);
      await running.consumer?.stopCold().catch(() => undefined);
      await this.closeAll().catch(() => undefined);
      this.finishStop(true);
      throw e;
    }
  }

  /**
   * Celery's `app.backend.persistent`, which `worker_deduplicate_successful_tasks` needs: true for a Redis result
   * backend, `result_persistent` for rpc://. Without a result backend Celery 5.7 counts it persistent, then fails every
   * redelivered acks_late task on the lookup (`DisabledBackend` has no `_get_task_meta_for`): here it is not.
   * The setting on with a backend that is not persistent is logged once, naming what fixes it.
   */
  private resultsPersistent(outcomes: OutcomeRecorder): boolean {
    const store = (outcomes as { readonly store?: { readonly kind?: string; readonly persistent?: boolean } }).store;
    // A recorder of its own (no result store of ours) that can look a success up says so by implementing it.
    if (store === undefined ? outcomes.checkStoredSuccess !== undefined : store.persistent === true) return true;
    const why =
      store === undefined
        ? "the worker's outcome recorder does not implement checkStoredSuccess"
        : store.kind === "rpc"
          ? "the rpc:// result backend is not persistent (set result_persistent = True, or use a redis:// result_backend)"
          : "no result_backend is configured (set result_backend to a redis:// URL)";
    this.logger.warning(`worker_deduplicate_successful_tasks is on but has no effect: ${why}; redelivered tasks run again`);
    return false;
  }

  /**
   * Warm (default): stop consuming, requeue what has not started, let running tasks finish and settle, send
   * `worker-offline`, close. Cold (`{cold: true}`, also while a warm stop runs): abort running tasks and requeue every
   * message not yet acknowledged (waiting, ETA and running `acksLate` tasks); a running task acknowledged when it
   * started (the default) is gone, as in Celery. Resolves once stopped. While `start()` still connects (retrying a broker
   * it cannot reach), it stops at once and `start()` rejects with `TransportClosed`.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.connecting.abort();
    if (this.phase === "created" || this.phase === "stopped") {
      this.phase = "stopped";
      this.resolveStopped();
      return this.stopped;
    }
    if (options.cold === true) {
      this.coldStop ??= this.shutdown_(true);
      return this.coldStop;
    }
    this.warmStop ??= this.shutdown_(false);
    return this.warmStop;
  }

  // --- WorkerControl ---------------------------------------------------------------------------------------------

  queues(): readonly string[] {
    return this.running?.consumer?.consumers.queueNames() ?? this.options.queues.map((q) => q.name);
  }

  async addConsumer(queue: string): Promise<void> {
    await this.requireConsumer("add_consumer").consumers.add({ name: queue });
  }

  async cancelConsumer(queue: string): Promise<void> {
    await this.requireConsumer("cancel_consumer").consumers.cancel(queue);
  }

  concurrency(): number {
    return this.running?.pool?.concurrency ?? this.options.concurrency;
  }

  setConcurrency(n: number): void {
    this.requireConsumer("pool_grow/pool_shrink").setConcurrency(n);
  }

  prefetchCount(): number {
    return this.running?.consumer?.consumers.prefetchCount() ?? this.options.concurrency * this.options.prefetchMultiplier;
  }

  /** The pids of the processes running handlers: the process pool's children, or this process for the async pool. */
  poolProcesses(): readonly number[] {
    return this.running?.pool?.pids() ?? [];
  }

  poolImplementation(): string {
    return this.running?.pool?.implementation ?? this.options.pool;
  }

  shutdown(): void {
    void this.stop({ cold: false });
  }

  brokerInfo(): Readonly<Record<string, unknown>> {
    return typeof this.options.broker === "string" ? describeBroker(this.options.broker, this.options.brokerUseSsl) : { transport: this.options.broker.kind };
  }

  autoscalerInfo(): Readonly<Record<string, unknown>> | null {
    const info = this.running?.autoscaler?.info();
    return info === undefined ? null : { ...info };
  }

  updateAutoscale(max: number | null, min: number | null): readonly [number, number] | null {
    return this.running?.autoscaler?.update(max, min) ?? null;
  }

  election(id: string, topic: unknown, action: unknown): void {
    this.running?.gossip?.election(id, topic, action);
  }

  /** The other workers that gossip sees alive now (none without gossip); Celery's `consumer.gossip.state.alive_workers()`. */
  aliveWorkers(): GossipPeer[] {
    return this.running?.gossip?.aliveWorkers() ?? [];
  }

  // ---------------------------------------------------------------------------------------------------------------

  private startGossip(transport: Transport, events: EventDispatcher, outcomes: OutcomeRecorder): Promise<Gossip> {
    const s = this.options.config.settings;
    // An election's winner sends the elected task as `app.signature(name).apply_async()`: no arguments, routed as the app routes.
    const sender = outcomes instanceof CeleryOutcomeRecorder ? outcomes.options.sender : null;
    return startGossip({
      ...(sender === null ? {} : { callTask: (name: string) => sender.sendTask(name, [], {}, {}) }),
      transport,
      hostname: this.hostname,
      clock: this.state.clock,
      dispatcher: events,
      logger: this.logger,
      queue: {
        ...eventQueueOptionsOf(s),
        // Celery's gossip consumer accepts `{event_serializer, 'json'}`.
        accept: [...new Set([s.event_serializer, "json"])],
      },
    });
  }

  private startAutoscaler(settings: CompiledAutoscale, pool: ExecutionPool, consumer: TaskConsumer): Autoscaler {
    const autoscaler = new Autoscaler({
      ...settings,
      processes: () => pool.concurrency,
      qty: () => this.state.reserved.size + this.state.active.size,
      resize: (n) => consumer.resizePool(n),
      movePrefetch: (diff) => consumer.movePrefetch(diff),
      logger: this.logger,
    });
    autoscaler.start();
    return autoscaler;
  }

  private requireConsumer(what: string): TaskConsumer {
    const consumer = this.running?.consumer;
    if (consumer == null || this.phase !== "running") throw new CeleryProtoError("InvalidOption", `${what}: the worker is not running`);
    return consumer;
  }

  private async shutdown_(cold: boolean): Promise<void> {
    this.phase = cold ? "stopping-cold" : "stopping-warm";
    await this.starting?.catch(() => undefined);
    const running = this.running;
    try {
      if (running?.ownsTransport && running.transport.isConnected === false) {
        // Every broker step below would wait for a broker that is not there. The broker keeps what was unacknowledged
        // (RabbitMQ requeued it when the connection dropped; Redis restores it after visibility_timeout).
        this.logger.warning("worker: the broker connection is lost; stopping without waiting for it to come back");
        await running.transport.close().catch(() => undefined);
      }
      if (running !== null) {
        this.pidboxClosed ??=
          running.pidbox?.close().catch((e: unknown) => this.logger.warning("remote control did not close cleanly", e)) ?? Promise.resolve();
        await this.pidboxClosed;
        if (cold) await running.consumer?.stopCold();
        else await running.consumer?.stopWarm();
      }
      if (!cold && this.coldStop !== null) return await this.coldStop;
      await this.closeAll();
    } finally {
      this.phase = "stopped";
      this.finishStop(cold);
    }
  }

  /** Celery's `worker_shutdown` (sent once the worker stopped, also after a failed start), then `stopped` resolves. */
  private finishStop(cold: boolean): void {
    if (!this.shutdownEmitted && this.lifecycle.has("worker:shutdown")) this.lifecycle.emit("worker:shutdown", { hostname: this.hostname, cold });
    this.shutdownEmitted = true;
    this.resolveStopped();
  }

  private async closeAll(): Promise<void> {
    const running = this.running;
    if (running === null) return;
    this.running = null;
    running.autoscaler?.stop();
    if (running.stateTimer !== null) clearInterval(running.stateTimer);
    await running.gossip?.stop().catch((e: unknown) => this.logger.warning("gossip did not close cleanly", e));
    await running.heartbeat?.stop().catch(() => undefined);
    await running.events?.close().catch((e: unknown) => this.logger.warning("events did not close cleanly", e));
    await Promise.all(running.pools.map((p) => p.close().catch((e: unknown) => this.logger.warning(`the ${p.implementation} pool did not close cleanly`, e))));
    await running.outcomes?.close?.().catch((e: unknown) => this.logger.warning("the outcome recorder did not close cleanly", e));
    await this.saveState();
    if (running.ownsTransport) await running.transport.close().catch((e: unknown) => this.logger.warning("the broker connection did not close cleanly", e));
  }

  private async saveState(): Promise<void> {
    if (this.options.statedb === null) return;
    await saveStateDb(this.options.statedb, this.state).catch((e: unknown) => this.logger.error(`Couldn't save the state to ${this.options.statedb}`, e));
  }
}
