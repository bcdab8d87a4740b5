import type { MessageVerifier } from "../../../sdk/src/security/message-signing.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { formatPythonIsoformat, parseIsoDateTime } from "../../../sdk/src/codec/time/iso-datetime.js";
import type { QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { RegisteredTask, TaskRegistry } from "../app/task-registry.js";
import type { HeldRequest, WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { taskEventBase } from "../lifecycle/task-event-base.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import { TASK_LOG } from "../logging/task-log-messages.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder } from "../outcomes/outcome-recorder.js";
import type { ExecutionPool } from "../pool/execution-pool.js";
import type { RateLimiter } from "../pool/rate-limiter.js";
import type { TaskRequest } from "../request/task-request.js";
import type { EntryPhase, HeldEntry } from "./held-entry.js";
import { initialPrefetch } from "./prefetch-window.js";
import { QueueConsumers, type QosPolicy, type TrackedDelivery } from "./queue-consumers.js";
import { receiveDelivery } from "./receive-delivery.js";
import { revokedByStamp } from "./revoked-by-stamp.js";
import { runEntry } from "./run-entry.js";
import { announceRevoked } from "./settle-outcome.js";
import { setLongTimeout } from "./set-long-timeout.js";
import type { RunTracer } from "../tracing/run-tracer.js";

export interface TaskConsumerDeps {
  readonly transport: Transport;
  readonly registry: TaskRegistry;
  readonly state: WorkerState;
  readonly outcomes: OutcomeRecorder;
  readonly events: EventDispatcher;
  readonly logger: WorkerLogger;
  readonly hostname: string;
  readonly accept: readonly string[];
  /** Verifies signed (`auth`) messages; null when `auth` is not accepted. */
  readonly verifier?: MessageVerifier | null;
  /** The worker's pool, and the pool for each `TaskOptions.pool` value available. */
  readonly pool: ExecutionPool;
  readonly pools: ReadonlyMap<string, ExecutionPool>;
  /** null = `worker_disable_rate_limits`. */
  readonly rateLimiter: RateLimiter | null;
  readonly prefetchMultiplier: number;
  /** The concurrency the prefetch is computed from (autoscale's `max`). Default the pool's concurrency. */
  readonly prefetchConcurrency?: number;
  /** The worker-wide `task_time_limit` / `task_soft_time_limit` (seconds, null = none) for tasks that set none. */
  readonly defaultLimits?: { readonly hard: number | null; readonly soft: number | null };
  readonly etaTaskLimit: number | null;
  /** `revoke_by_stamped_headers` entries, written by remote control. */
  readonly revokedStamps: ReadonlyMap<string, readonly unknown[]>;
  /** Celery's QoS choice (`decideGlobalQos`). Default: the transport's, with prefetch changes sent to running consumers. */
  readonly qos?: QosPolicy;
  /** The worker's lifecycle events (`Worker.on`). */
  readonly lifecycle?: WorkerEventEmitter;
  /** Tracing on: the `run/<task>` spans (see `runEntry`). */
  readonly tracer?: RunTracer | null;
  /** `worker_deduplicate_successful_tasks` (see `runEntry`). Default false. */
  readonly deduplicateSuccessfulTasks?: boolean;
}

/**
 * Celery's task consumer (C:celery/worker/consumer, strategy.py, request.py): takes deliveries, refuses bad ones,
 * discards revoked/expired ones, holds ETA tasks unacked (prefetch +1 each), applies per-task rate limits, reserves a
 * pool slot, runs, records the outcome and settles the message. Keeps `state.active/reserved/scheduled` current.
 */
/** Why an entry is discarded instead of run, and the revoked stamp that matched it, if one did. */
interface Revocation {
  readonly reason: "revoked" | "expired" | "terminated";
  readonly byStamp: Readonly<Record<string, unknown>> | null;
}

export class TaskConsumer {
  readonly consumers: QueueConsumers;
  private readonly entries = new Set<HeldEntry>();
  private readonly lifecycles = new Set<Promise<void>>();
  private readonly waitingForSlot = new Map<ExecutionPool, { entry: HeldEntry; go: (run: boolean) => void }[]>();
  private readonly running = new Map<ExecutionPool, number>();
  private stopping = false;
  private terminating = false;
  /** Deliveries being decoded, and entries waiting for a pool slot: what the pool can start next. */
  private receiving = 0;
  private waitingToStart = 0;

  constructor(private readonly deps: TaskConsumerDeps) {
    this.consumers = new QueueConsumers(
      deps.transport,
      (d) => this.track(this.lifecycle(d)),
      initialPrefetch(deps.prefetchConcurrency ?? deps.pool.concurrency, deps.prefetchMultiplier),
      deps.etaTaskLimit,
      deps.logger,
      deps.qos,
      () => this.isStarving(),
    );
  }

  /** Declares the queues, runs `beforeConsume` (e.g. the DelayedDelivery step), then consumes. */
  async start(queues: readonly QueueSpec[], beforeConsume?: () => Promise<void>): Promise<void> {
    await this.consumers.start(queues, beforeConsume);
  }

  /** Pool grown or shrunk (`pool_grow`/`pool_shrink`, autoscale): resize it and move the prefetch with it. */
  setConcurrency(n: number): void {
    const before = this.deps.pool.concurrency;
    this.resizePool(n);
    this.movePrefetch(this.deps.pool.concurrency - before);
  }

  /** Resizes the pool and starts what now fits (the autoscaler; the prefetch stays). */
  resizePool(n: number): void {
    this.deps.pool.resize(n);
    this.dispatch();
  }

  /** Moves the prefetch by `diff` executions × the prefetch multiplier. */
  movePrefetch(diff: number): void {
    this.consumers.resize(diff * this.deps.prefetchMultiplier);
  }

  /**
   * Warm shutdown: take no new work, requeue what has not started (ETA, rate-limited, reserved), let running tasks
   * finish and settle, then cancel the consumers.
   */
  async stopWarm(): Promise<void> {
    this.stopping = true;
    this.consumers.pause();
    const drained = this.consumers.stopAll();
    for (const entry of [...this.entries]) if (entry.phase !== "active" && entry.phase !== "done") this.withdraw(entry);
    await Promise.all([...this.lifecycles]);
    await drained;
  }

  /**
   * Cold shutdown: abort running tasks, requeue every unacknowledged message (running acks_late ones included) and
   * cancel the consumers. Outcomes of aborted tasks are not recorded.
   */
  async stopCold(): Promise<void> {
    this.stopping = true;
    this.terminating = true;
    this.consumers.pause();
    const requeues: Promise<void>[] = [];
    for (const entry of [...this.entries]) {
      if (entry.phase === "done") continue;
      entry.cancelWait?.();
      if (entry.phase === "active") {
        entry.pool?.terminate(entry.request.id, "SIGKILL");
        this.deps.events.send("task-cancelled", { uuid: entry.request.id });
      }
      if (!entry.held.acknowledged) {
        entry.held.acknowledged = true;
        requeues.push(
          entry.delivery.reject(true).catch((e: unknown) => this.deps.logger.warning(`could not requeue ${entry.request.name}[${entry.request.id}]`, e)),
        );
      }
      this.setPhase(entry, "done");
    }
    await Promise.all(requeues);
    await this.consumers.cancelAll();
  }

  /**
   * The AMQP connection was lost: the broker has requeued every unacknowledged message, so the ones held here that
   * have not started (ETA, rate-limited, reserved) are dropped without settling (Celery's `on_close`). Running ones
   * finish; an acks_late ack then fails (logged) and the broker delivers the message again.
   */
  dropUnstarted(): void {
    let dropped = 0;
    for (const entry of [...this.entries]) {
      if (entry.phase === "active" || entry.phase === "done" || entry.held.acknowledged) continue;
      entry.held.acknowledged = true;
      entry.delivery.abandon();
      entry.cancelWait?.();
      dropped += 1;
    }
    if (dropped > 0) this.deps.logger.warning(`Connection lost: ${dropped} held message(s) not started were requeued by the broker and dropped here`);
  }

  private track(lifecycle: Promise<void>): void {
    this.lifecycles.add(lifecycle);
    void lifecycle.finally(() => this.lifecycles.delete(lifecycle));
  }

  /** Everything that happens to one delivery, from receipt to settlement. Never rejects. */
  private async lifecycle(delivery: TrackedDelivery): Promise<void> {
    let entry: HeldEntry | null = null;
    try {
      this.receiving += 1;
      let received: Awaited<ReturnType<typeof receiveDelivery>>;
      try {
        received = await receiveDelivery(this.deps, delivery);
      } finally {
        this.receiving -= 1;
      }
      if (received === null) {
        this.noteStarted();
        return;
      }
      entry = this.createEntry(received.request, received.task, delivery);
      if (this.stopping) {
        // Decoded while the worker began to stop: back to the queue (its consumer is paused, so it does not return here).
        this.withdraw(entry);
        return;
      }
      await this.process(entry);
    } catch (e) {
      this.deps.logger.critical(`Unrecoverable error while handling a message from ${delivery.queue}`, e);
      if (!delivery.settled && !this.terminating) await delivery.reject(true).catch(() => undefined);
    } finally {
      if (entry !== null) {
        this.setPhase(entry, "done");
        // The pool slot is free already; the entry is forgotten once the broker has its ack.
        if (entry.settling !== null) await entry.settling;
        this.entries.delete(entry);
      }
    }
  }

  private async process(entry: HeldEntry): Promise<void> {
    const { request } = entry;
    const { logger, events, state, lifecycle } = this.deps;
    if (logger.isEnabledFor("INFO")) logger.info(TASK_LOG.received(request.name, request.id));
    if (request.expires !== null || state.revoked.has(request.id)) {
      const revocation = this.revocationOf(entry);
      if (revocation !== null) return this.discard(entry, revocation);
    }
    if (events.enabled) sendReceived(events, request);
    if (lifecycle?.has("task:received")) lifecycle.emit("task:received", taskEventBase(entry));
    if (request.eta !== null && request.eta.getTime() > Date.now() && !(await this.waitForEta(entry, request.eta))) return;
    // The checks below await only when they have to wait: an await per task and check is a measurable cost.
    if (this.isRateLimited(entry) && !(await this.waitForToken(entry))) return;
    const pool = this.poolFor(entry.task);
    if (!(await this.waitForSlot(entry, pool))) return;
    try {
      const revocation = this.revocationOf(entry);
      if (revocation !== null) return await this.discard(entry, revocation);
      await runEntry(
        this.deps,
        entry,
        pool,
        () => this.terminating,
        (phase) => this.setPhase(entry, phase),
      );
    } finally {
      this.running.set(pool, (this.running.get(pool) ?? 1) - 1);
      this.dispatch();
    }
  }

  private createEntry(request: TaskRequest, task: RegisteredTask, delivery: TrackedDelivery): HeldEntry {
    const entry: HeldEntry = {
      request,
      task,
      delivery,
      held: {
        request,
        timeStart: null,
        acknowledged: false,
        priority: request.deliveryInfo?.priority ?? null,
        abort: (reason) => this.abort(entry, reason),
      },
      phase: "reserved",
      pool: null,
      cancelWait: null,
      terminateSignal: null,
      started: null,
      settling: null,
    };
    this.entries.add(entry);
    this.waitingToStart += 1;
    return entry;
  }

  /**
   * The transport's `starving`: fewer messages wait to start than the pool can take at once, so a fetch should not
   * wait to fill a batch (held ETA and rate-limited ones cannot start and do not count).
   */
  private isStarving(): boolean {
    return this.receiving + this.waitingToStart < Math.max(1, this.deps.pool.concurrency);
  }

  /** One fewer message waits to start: tell the consumers if the worker is starving now. */
  private noteStarted(): void {
    if (this.isStarving()) this.consumers.starving();
  }

  /**
   * Celery's `Request.revoked()`: why the entry must not run (expired, revoked by id or stamp, or terminated while it
   * waited), or null. An expired id joins the revoked set.
   */
  private revocationOf(entry: HeldEntry): Revocation | null {
    const { request } = entry;
    const { state } = this.deps;
    const expired = request.expires !== null && Date.now() > request.expires.getTime();
    if (expired) state.revoked.add(request.id);
    const byId = state.revoked.has(request.id);
    const byStamp = byId ? null : revokedByStamp(request, this.deps.revokedStamps);
    if (!expired && !byId && byStamp === null && entry.terminateSignal === null) return null;
    return { reason: expired ? "expired" : byId || byStamp !== null ? "revoked" : "terminated", byStamp };
  }

  /** A revoked (or expired, or terminated) entry: REVOKED, `task-revoked`, ack. */
  private async discard(entry: HeldEntry, { reason, byStamp }: Revocation): Promise<void> {
    const { request } = entry;
    const suffix = byStamp === null ? "" : ` (revoked by header: ${safeRepr(byStamp)})`;
    this.deps.logger.info(`${TASK_LOG.discardingRevoked(request.name, request.id)}${suffix}`);
    await announceRevoked(this.deps, entry, reason, reason === "terminated" ? entry.terminateSignal : null);
  }

  /** Holds an ETA task unacked until its time (prefetch +1 meanwhile). Resolves false when withdrawn. */
  private waitForEta(entry: HeldEntry, eta: Date): Promise<boolean> {
    this.setPhase(entry, "scheduled");
    this.consumers.holdEta(entry.delivery.source);
    return new Promise<boolean>((resolve) => {
      const done = (fired: boolean): void => {
        entry.cancelWait = null;
        this.consumers.releaseEta(entry.delivery.source);
        resolve(fired);
      };
      const cancel = setLongTimeout(() => done(true), eta.getTime());
      entry.cancelWait = () => {
        cancel();
        done(false);
      };
    });
  }

  /** The task has a rate limit, from its options or from `rate_limit` at run time. */
  private isRateLimited(entry: HeldEntry): boolean {
    const limiter = this.deps.rateLimiter;
    return limiter !== null && (entry.task.options.rateLimit !== null || limiter.rateOf(entry.task.name) !== null);
  }

  /** Waits for a token of the task's rate limit (others keep running). Resolves false when withdrawn. */
  private async waitForToken(entry: HeldEntry): Promise<boolean> {
    const limiter = this.deps.rateLimiter;
    const rate = entry.task.options.rateLimit;
    if (limiter === null || !this.isRateLimited(entry)) return true;
    if (limiter.rateOf(entry.task.name) !== rate) limiter.setRate(entry.task.name, rate);
    this.setPhase(entry, "rate-limited");
    const controller = new AbortController();
    entry.cancelWait = () => controller.abort();
    try {
      await limiter.acquire(entry.task.name, controller.signal);
      return true;
    } catch {
      return false;
    } finally {
      entry.cancelWait = null;
    }
  }

  /** Reserved until the pool has a free slot. Resolves false when withdrawn. */
  private waitForSlot(entry: HeldEntry, pool: ExecutionPool): Promise<boolean> {
    this.setPhase(entry, "reserved");
    return new Promise<boolean>((resolve) => {
      const queue = this.waitingForSlot.get(pool) ?? [];
      this.waitingForSlot.set(pool, queue);
      const item = { entry, go: resolve };
      queue.push(item);
      entry.cancelWait = () => {
        const i = queue.indexOf(item);
        if (i >= 0) queue.splice(i, 1);
        entry.cancelWait = null;
        resolve(false);
      };
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const [pool, queue] of this.waitingForSlot) {
      while (queue.length > 0 && (this.running.get(pool) ?? 0) < pool.concurrency) {
        const item = queue.shift();
        if (item === undefined) break;
        item.entry.cancelWait = null;
        this.running.set(pool, (this.running.get(pool) ?? 0) + 1);
        item.go(true);
      }
    }
  }

  /** Warm shutdown of a request that has not started: its message goes back to the queue. */
  private withdraw(entry: HeldEntry): void {
    entry.cancelWait?.();
    if (entry.held.acknowledged) return;
    entry.held.acknowledged = true;
    entry.delivery.reject(true).catch((e: unknown) => this.deps.logger.warning(`could not requeue ${entry.request.name}[${entry.request.id}]`, e));
  }

  /** `HeldRequest.abort`: terminate a running execution, or mark a waiting one to be revoked instead of run. */
  private abort(entry: HeldEntry, reason: "terminated" | "shutdown" | "soft-time-limit"): void {
    if (reason === "soft-time-limit" || entry.phase === "done") return;
    const signal = reason === "terminated" ? "SIGTERM" : "SIGKILL";
    if (entry.phase === "active" && entry.pool !== null) {
      entry.pool.terminate(entry.request.id, signal);
      return;
    }
    entry.terminateSignal = signal;
  }

  private poolFor(task: RegisteredTask): ExecutionPool {
    const wanted = task.options.pool;
    if (wanted === undefined) return this.deps.pool;
    const pool = this.deps.pools.get(wanted);
    if (pool !== undefined) return pool;
    this.deps.logger.warning(
      `Task ${task.name} asks for the ${wanted} pool, which this worker does not have: running it in the ${this.deps.pool.implementation} pool`,
    );
    return this.deps.pool;
  }

  /** Moves the entry between `state.scheduled`, `state.reserved` and `state.active`. */
  private setPhase(entry: HeldEntry, phase: EntryPhase): void {
    const { state } = this.deps;
    const id = entry.request.id;
    const shown = phaseMap(state, entry.phase);
    if (shown !== null && shown.get(id) === entry.held) shown.delete(id);
    const wasWaiting = entry.phase === "reserved";
    entry.phase = phase;
    if (wasWaiting !== (phase === "reserved")) {
      this.waitingToStart += wasWaiting ? -1 : 1;
      if (wasWaiting) this.noteStarted();
    }
    if (phase === "scheduled" && entry.request.eta !== null) state.scheduled.set(id, Object.assign(entry.held, { eta: entry.request.eta }));
    else if (phase === "reserved") state.reserved.set(id, entry.held);
    else if (phase === "active") state.active.set(id, entry.held);
  }
}

/** The `state` map that shows an entry in `phase`, if any. */
function phaseMap(state: WorkerState, phase: EntryPhase): Map<string, HeldRequest> | null {
  if (phase === "reserved") return state.reserved;
  if (phase === "active") return state.active;
  if (phase === "scheduled") return state.scheduled as Map<string, HeldRequest>;
  return null;
}

/** `task-received`, as Celery's strategy sends it. */
function sendReceived(events: EventDispatcher, request: TaskRequest): void {
  events.send("task-received", {
    uuid: request.id,
    name: request.name,
    args: request.argsrepr,
    kwargs: request.kwargsrepr,
    root_id: request.rootId,
    parent_id: request.parentId,
    retries: request.retries,
    eta: isoformat(request.eta, request.message.headers.eta),
    expires: isoformat(request.expires, request.message.headers.expires),
  });
}

/** `datetime.isoformat()` of a parsed `eta`/`expires` (microseconds from the header kept). */
function isoformat(date: Date | null, header: unknown): string | null {
  if (date === null) return null;
  try {
    return formatPythonIsoformat(date, typeof header === "string" ? parseIsoDateTime(header).microsecond : undefined);
  } catch {
    return formatPythonIsoformat(date);
  }
}
