import type { QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Consumer, Delivery, Transport } from "../../../sdk/src/transport/transport.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import { PrefetchWindow } from "./prefetch-window.js";
import { explainQueueRefusal } from "../../../sdk/src/routing/explain-queue-refusal.js";

/** A delivery as the worker core sees it: settling it is tracked, and it knows the consumer it came from. */
export interface TrackedDelivery extends Delivery {
  readonly source: ConsumerHandle;
  readonly settled: boolean;
  /** The broker took it back (its channel closed): count it as settled without telling the broker anything. */
  abandon(): void;
}

/** How the consumers set up AMQP QoS (Celery's `Tasks.qos_global`, `decideGlobalQos`). */
export interface QosPolicy {
  /** The `basic.qos` global flag each consumer asks for; undefined: the transport's choice. */
  readonly global?: boolean;
  /** Prefetch changes are not sent to running consumers (per-consumer QoS on AMQP: they could not take them). */
  readonly staticPrefetch?: boolean;
}

/** One `transport.consume()` call (Celery: the task consumer's channel) and its prefetch window. */
export interface ConsumerHandle {
  readonly queues: readonly string[];
  readonly window: PrefetchWindow;
}

interface Handle extends ConsumerHandle {
  consumer: Consumer | null;
  /** No new work is taken from it: deliveries are parked until it is drained and cancelled. */
  retired: boolean;
  readonly parked: Delivery[];
  /** Deliveries handed to the worker and not settled yet. */
  inFlight: number;
  drained: (() => void) | null;
  closing: Promise<void> | null;
}

/**
 * The transport consumers of a worker. The queues given at start share one consumer (one channel with Celery's
 * global QoS on AMQP); `add` starts another for a queue added at run time (`add_consumer`). A consumer that must
 * stop while its deliveries are still being worked on is *retired*: what it delivers from then on is parked
 * unacked, and once its in-flight deliveries are settled the parked ones are requeued and it is cancelled — so
 * acks of running tasks still reach the channel they came from, and nothing is dropped.
 */
export class QueueConsumers {
  private readonly handles = new Set<Handle>();
  private base: number;

  constructor(
    private readonly transport: Transport,
    private readonly onDelivery: (delivery: TrackedDelivery) => void,
    basePrefetch: number,
    private readonly etaLimit: number | null,
    private readonly logger: WorkerLogger,
    private readonly qos: QosPolicy = {},
    /** `ConsumeOptions.starving` for every consumer: the worker is about to run out of messages to start. */
    private readonly isStarving?: () => boolean,
  ) {
    this.base = basePrefetch;
  }

  /**
   * Declares the queues as kombu does and consumes them on one consumer; `beforeConsume` runs in between (Celery's
   * steps that start after `Tasks` and before the event loop consumes, such as DelayedDelivery).
   */
  async start(queues: readonly QueueSpec[], beforeConsume?: () => Promise<void>): Promise<void> {
    for (const queue of queues) await this.transport.declareQueue(queue).catch((e: unknown) => Promise.reject(explainQueueRefusal(e, queue)));
    await beforeConsume?.();
    await this.open(queues.map((q) => q.name));
  }

  /** `add_consumer`: declares the queue and consumes it (no-op when already consumed). */
  async add(queue: QueueSpec): Promise<void> {
    if (this.queueNames().includes(queue.name)) return;
    await this.transport.declareQueue(queue).catch((e: unknown) => Promise.reject(explainQueueRefusal(e, queue)));
    await this.open([queue.name]);
    this.logger.info(`Started consuming from ${queue.name}`);
  }

  /** `cancel_consumer`: stops consuming a queue; the other queues of its consumer move to a new one. */
  async cancel(queue: string): Promise<void> {
    const handle = [...this.handles].find((h) => !h.retired && h.queues.includes(queue));
    if (handle === undefined) return;
    this.logger.info(`Canceling queue ${queue}`);
    const rest = handle.queues.filter((q) => q !== queue);
    if (rest.length > 0) await this.open(rest);
    await this.retire(handle);
  }

  /** Queues consumed now. */
  queueNames(): string[] {
    return [...this.handles].filter((h) => !h.retired).flatMap((h) => h.queues);
  }

  /** Celery's `qos.value` (of the first consumer). */
  prefetchCount(): number {
    const first = [...this.handles].find((h) => !h.retired);
    return first?.window.value ?? this.base;
  }

  /** An ETA task from `handle` is held unacked: prefetch +1 so other messages keep flowing. */
  holdEta(handle: ConsumerHandle): void {
    this.apply(handle as Handle, () => handle.window.increment(1));
  }

  /** The held ETA task was released (ran, or was dropped): prefetch -1. */
  releaseEta(handle: ConsumerHandle): void {
    this.apply(handle as Handle, () => handle.window.decrement(1));
  }

  /** Pool grown or shrunk by `delta` processes: every window moves by `delta × multiplier` (`_update_prefetch_count`). */
  resize(delta: number): void {
    if (this.base === 0 || delta === 0) return;
    this.base = Math.max(1, this.base + delta);
    for (const handle of this.handles) this.apply(handle, () => (delta > 0 ? handle.window.increment(delta) : handle.window.decrement(-delta)));
  }

  /** The worker is about to run out of messages to start: consumers waiting to fetch a fuller batch fetch now. */
  starving(): void {
    for (const handle of this.handles) handle.consumer?.starving?.();
  }

  /** Takes no new work from any consumer from now on: what they deliver is parked (and requeued when they close). */
  pause(): void {
    for (const handle of this.handles) handle.retired = true;
  }

  /** Retires every consumer and resolves once all are drained and cancelled (warm shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.handles].map((h) => this.retire(h)));
  }

  /** Requeues everything parked and cancels every consumer now (cold shutdown; in-flight ones were rejected first). */
  async cancelAll(): Promise<void> {
    this.pause();
    await Promise.all([...this.handles].map((h) => this.close(h)));
  }

  private async open(queues: readonly string[]): Promise<void> {
    const handle: Handle = {
      queues: [...queues],
      window: new PrefetchWindow(this.base, this.etaLimit),
      consumer: null,
      retired: false,
      parked: [],
      inFlight: 0,
      drained: null,
      closing: null,
    };
    this.handles.add(handle);
    try {
      handle.consumer = await this.transport.consume(queues, (d) => this.receive(handle, d), {
        prefetch: handle.window.qosValue,
        ...(this.qos.global === undefined ? {} : { globalQos: this.qos.global }),
        // Only Redis fetches; AMQP pushes within basic.qos, so the consume options there stay Celery's.
        ...(this.isStarving === undefined || this.transport.kind !== "redis" ? {} : { starving: this.isStarving }),
      });
    } catch (e) {
      this.handles.delete(handle);
      throw e;
    }
  }

  private receive(handle: Handle, delivery: Delivery): void {
    if (handle.retired) {
      handle.parked.push(delivery);
      return;
    }
    handle.inFlight += 1;
    this.onDelivery(new HandleDelivery(handle, delivery));
  }

  private async retire(handle: Handle): Promise<void> {
    handle.retired = true;
    if (handle.inFlight > 0) await new Promise<void>((resolve) => (handle.drained = resolve));
    await this.close(handle);
  }

  private close(handle: Handle): Promise<void> {
    handle.closing ??= this.requeueAndCancel(handle);
    return handle.closing;
  }

  /**
   * Cancels first, so nothing more is delivered, then requeues what was parked: AMQP has already requeued it with the
   * channel (the reject then fails harmlessly), Redis restored it on cancel (no-op), the memory broker needs it.
   */
  private async requeueAndCancel(handle: Handle): Promise<void> {
    this.handles.delete(handle);
    await handle.consumer?.cancel().catch((e: unknown) => this.logger.warning(`could not cancel the consumer of ${handle.queues.join(", ")}`, e));
    handle.consumer = null;
    for (const delivery of handle.parked.splice(0)) {
      await delivery
        .reject(true)
        .catch((e: unknown) =>
          this.logger.debug(`parked message from ${delivery.queue} requeued by the broker (${e instanceof Error ? e.message : String(e)})`),
        );
    }
  }

  /**
   * Moves a window and sends the new prefetch to its consumer. With a static prefetch (per-consumer QoS on AMQP) the
   * window still moves (it is what `stats` reports as `prefetch_count`, as Celery's `qos.value`) but nothing is sent:
   * Celery's `basic.qos(global=False)` would apply only to consumers started later on the channel, so its running
   * consumer keeps the prefetch it started with, and held ETA tasks use up that fixed window ("Prefetch count is now
   * static"). A consumer re-attached after a reconnect starts with the initial prefetch again, as Celery's new `QoS`.
   */
  private apply(handle: Handle, change: () => number): void {
    const before = handle.window.qosValue;
    change();
    const after = handle.window.qosValue;
    if (after === before || handle.consumer?.setPrefetch === undefined || this.qos.staticPrefetch === true) return;
    this.logger.debug(`basic.qos: prefetch_count->${after}`);
    handle.consumer.setPrefetch(after).catch((e: unknown) => this.logger.warning(`could not change the prefetch count to ${after}`, e));
  }
}

/**
 * A delivery counted in its handle's `inFlight` until it is settled (or abandoned): one object per message with its
 * behaviour on the prototype, rather than a closure per member.
 */
class HandleDelivery implements TrackedDelivery {
  private done = false;

  constructor(
    readonly source: Handle,
    private readonly delivery: Delivery,
  ) {}

  get message(): Delivery["message"] {
    return this.delivery.message;
  }

  get queue(): string {
    return this.delivery.queue;
  }

  get settled(): boolean {
    return this.done;
  }

  ack(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.done = true;
    return this.delivery.ack().finally(() => this.release());
  }

  reject(requeue: boolean): Promise<void> {
    if (this.done) return Promise.resolve();
    this.done = true;
    return this.delivery.reject(requeue).finally(() => this.release());
  }

  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.release();
  }

  private release(): void {
    const handle = this.source;
    handle.inFlight -= 1;
    if (handle.inFlight === 0) handle.drained?.();
  }
}
