import type { Redis } from "ioredis";
import { readRedisEnvelope } from "../../codec/redis/decode-redis-envelope.js";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ConsumeOptions, Consumer, Delivery } from "../transport.js";
import { bindingMemberFor, bindingTtlMs } from "./binding-member.js";
import type { FanoutSubscriber } from "./fanout-subscriber.js";
import { disconnectRedis } from "./disconnect-redis.js";
import { ListChangeWaiter } from "./list-change-waiter.js";
import { createQueueCycle } from "./queue-cycle.js";
import type { RedisChannelContext } from "./redis-channel-context.js";
import { POP_MANY, REFRESH_BINDING } from "./redis-scripts.js";
import { pushRestoredEntry, restoreByTag } from "./restore-by-tag.js";
import { toTransportError } from "./to-transport-error.js";
import { encodeUnackedText, entryFromEnvelope } from "./unacked-entry.js";
import { UnackedRemover } from "./unacked-remover.js";

/** The most messages one non-blocking fetch takes (bounded further by the prefetch credit). */
const MAX_FETCH_BATCH = 64;
/** Fetches in a row that found messages before an idle consumer's tracking is switched off again. */
const BUSY_FETCHES_BEFORE_UNWATCH = 8;

/** What the consumer needs from its transport. */
export interface RedisConsumerDeps {
  readonly ctx: RedisChannelContext;
  /** A new, dedicated connection for this consumer's fetches (and BRPOPs, where tracking is refused). */
  readonly createBlockingConnection: () => Redis;
  /** A new connection for the tracking notifications that wake an idle consumer (`ListChangeWaiter`). */
  readonly createTrackingConnection: () => Redis;
  readonly subscriber: FanoutSubscriber;
  /** Called once the consumer is cancelled, so the transport forgets it. */
  readonly onCancelled: (consumer: RedisConsumer) => void;
}

/**
 * One delivered, not yet settled message (kombu's `QoS._delivered` entry), and the delivery handed out for it: one
 * object per message with its behaviour on the prototype, rather than a record plus a delivery of two closures.
 */
class Pending implements Delivery {
  constructor(
    private readonly consumer: RedisConsumer,
    readonly tag: string | null,
    /**
     * The envelope text as popped, kept only until it is recorded in `unacked` (a restore of an unrecorded delivery
     * needs it; a recorded one is restored from `unacked`): a held delivery does not keep ~1 KB alive for the GC to
     * copy while it waits for a pool slot.
     */
    public envelope: string | null,
    readonly queue: string,
    readonly message: RawTaskParts,
    public registered: boolean,
    public settled: boolean,
  ) {}

  ack(): Promise<void> {
    return this.consumer.settle(this, "ack");
  }

  reject(requeue: boolean): Promise<void> {
    return this.consumer.settle(this, requeue ? "requeue" : "drop");
  }
}

/** A fetch the BRPOP connection dropped during: its `unacked_index` score and the tags its reply did bring. */
interface InterruptedFetch {
  readonly score: string;
  readonly received: ReadonlySet<string>;
}

/**
 * One `consume()` call: kombu's channel consuming a set of queues. List queues are read with BRPOP on a dedicated
 * connection (keys: each priority step ascending, each queue in the rotated cycle); queues bound to a fanout exchange
 * in this process are PSUBSCRIBEd instead. One round trip pops as many messages as the prefetch window has room for,
 * in BRPOP's order (`POP_MANY`); when the lists are empty it waits for a change without popping (`ListChangeWaiter`),
 * or with BRPOP where the server refuses client-side tracking. Unless `noAck`, each delivery is first
 * recorded as kombu's `QoS.append` does (`ZADD unacked_index <now> <tag>; HSET unacked <tag> [envelope, exchange,
 * routing_key]`): inside `POP_MANY` for what it pops, else one `MULTI` per batch. Nothing is fetched while `prefetch`
 * deliveries are unsettled, and while the caller is not `starving` a fetch waits for room for half the window.
 * `cancel()` restores the unsettled ones (kombu's `restore_at_shutdown`).
 *
 * A `POP_MANY` whose reply is lost with the connection (Redis killed after it ran; ioredis then sends it again) has
 * moved its messages into `unacked` under a score of that fetch alone: once connected again, those the consumer did
 * not receive are restored to their queues, where kombu's BRPOP would have lost its one message.
 */
export class RedisConsumer implements Consumer {
  private blocking: Redis | null = null;
  private cancelled = false;
  private cancelling: Promise<void> | null = null;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private readonly unsettled = new Set<Pending>();
  private readonly remover: UnackedRemover;
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  private bindingsRefreshedAt = -Infinity;
  /** `CLIENT ID` of the BRPOP connection, so `cancel()` can end a blocked BRPOP early with `CLIENT UNBLOCK`. */
  private blockingId: string | null = null;
  /** The client-side prefetch limit now (`options.prefetch` until `setPrefetch`). */
  private prefetch: number;
  /** `POP_MANY` fetches the connection dropped during: what they recorded and nobody received waits to be restored. */
  private readonly interruptedFetches: InterruptedFetch[] = [];
  /** How many times the BRPOP connection has closed (a fetch that spans a close may have run twice). */
  private blockingCloses = 0;
  /**
   * How an idle consumer waits: `undefined` until it first is idle, then the tracking waiter, or `null` where the
   * server refused tracking and it waits with BRPOP.
   */
  private waiter: ListChangeWaiter | null | undefined = undefined;

  private constructor(
    private readonly deps: RedisConsumerDeps,
    private readonly onDelivery: (delivery: Delivery) => void,
    private readonly options: ConsumeOptions,
  ) {
    this.prefetch = options.prefetch;
    this.remover = new UnackedRemover(deps.ctx);
  }

  /** Starts consuming; resolves once the BRPOP loop runs and every fanout pattern is subscribed. */
  static async start(
    deps: RedisConsumerDeps,
    queues: readonly string[],
    onDelivery: (delivery: Delivery) => void,
    options: ConsumeOptions,
  ): Promise<RedisConsumer> {
    if (!Number.isSafeInteger(options.prefetch) || options.prefetch < 0) {
      throw new CeleryProtoError("InvalidOption", `prefetch must be an integer >= 0 (0 = unlimited), not ${options.prefetch}`);
    }
    if (queues.length === 0) throw new CeleryProtoError("InvalidOption", "consume() needs at least one queue");
    const consumer = new RedisConsumer(deps, onDelivery, options);
    const { state, layout } = deps.ctx;
    const listQueues = [...new Set(queues)].filter((q) => state.fanoutBindingOf(q) === undefined);
    try {
      for (const queue of new Set(queues)) {
        const fanout = state.fanoutBindingOf(queue);
        if (fanout === undefined) continue;
        const pattern = layout.fanoutPattern(fanout.exchange, fanout.routingKey);
        consumer.unsubscribers.push(await deps.subscriber.subscribe(pattern, (envelope) => void consumer.deliverOne(queue, envelope)));
      }
      if (listQueues.length > 0) {
        // Lazy connection: the first BRPOP connects it, and waits (queued) while Redis is unreachable.
        const blocking = deps.createBlockingConnection();
        consumer.blocking = blocking;
        consumer.loop = consumer.run(blocking, listQueues);
      }
    } catch (e) {
      await consumer.cancel();
      throw toTransportError(e, "consume");
    }
    return consumer;
  }

  /** The caller ran out of work (`ConsumeOptions.starving`): a fetch waiting for a fuller batch goes now. */
  starving(): void {
    this.wake?.();
  }

  /** Changes the client-side prefetch limit; a higher one lets the BRPOP loop fetch again at once. */
  async setPrefetch(prefetch: number): Promise<void> {
    if (!Number.isSafeInteger(prefetch) || prefetch < 0) {
      throw new CeleryProtoError("InvalidOption", `prefetch must be an integer >= 0 (0 = unlimited), not ${prefetch}`);
    }
    this.prefetch = prefetch;
    this.wake?.();
  }

  /** Stops consuming, waits for the BRPOP in flight (at most `brpopTimeout`), restores unsettled deliveries. */
  cancel(): Promise<void> {
    if (this.cancelling !== null) return this.cancelling;
    this.cancelled = true;
    this.wake?.();
    this.waiter?.wake();
    this.cancelling = (async () => {
      await Promise.all(this.unsubscribers.map((u) => u()));
      const blocking = this.blocking;
      if (blocking !== null) {
        if (blocking.status !== "ready") disconnectRedis(blocking);
        // Ends a blocked BRPOP now, as if it had timed out: no message can be lost this way (unlike a disconnect).
        else if (this.blockingId !== null) await this.deps.ctx.commands.call("CLIENT", "UNBLOCK", this.blockingId, "TIMEOUT").catch(() => undefined);
        const guard = setTimeout(() => disconnectRedis(blocking), (this.deps.ctx.options.brpopTimeout + 2) * 1000);
        await this.loop;
        clearTimeout(guard);
        disconnectRedis(blocking);
      }
      this.waiter?.close();
      await this.remover.drain();
      await this.restoreUnsettled();
      this.deps.onCancelled(this);
    })();
    return this.cancelling;
  }

  private async run(blocking: Redis, queues: readonly string[]): Promise<void> {
    const { ctx } = this.deps;
    const cycle = createQueueCycle(ctx.options.queueOrderStrategy, queues);
    let busyFetches = 0;
    blocking.on("close", () => {
      this.blockingId = null;
      this.blockingCloses++;
    });
    while (!this.cancelled) {
      await this.waitForCredit();
      if (this.cancelled) break;
      await this.maybeRefreshBindings(queues);
      let reply: [string, string] | null;
      let score: string | null = null;
      try {
        if (this.blockingId === null) this.blockingId = String(await blocking.call("CLIENT", "ID"));
        if (this.cancelled) break;
        if (this.interruptedFetches.length > 0) await this.restoreInterruptedFetches(blocking);
        const keys = ctx.layout.brpopKeys(cycle.current());
        const record = this.options.noAck !== true;
        this.waiter?.arm();
        score = fetchScore();
        const closesBefore = this.blockingCloses;
        const want = this.credit();
        const flat = (await blocking.eval(
          POP_MANY,
          2 + keys.length,
          ctx.layout.unackedKey,
          ctx.layout.unackedIndexKey,
          ...keys,
          String(want),
          score,
          record ? "1" : "0",
        )) as (string | null)[];
        if (record && this.blockingCloses !== closesBefore) {
          const received = new Set<string>();
          for (let i = 2; i < flat.length; i += 3) if (typeof flat[i] === "string") received.add(flat[i] as string);
          this.interruptedFetches.push({ score, received });
        }
        score = null;
        if (flat.length >= 3) {
          if (this.cancelled) {
            await this.pushBack(flat);
            break;
          }
          cycle.rotate(ctx.layout.queueFromListKey(flat[flat.length - 3] as string));
          if (this.waiter?.watching(this.blockingCloses) === true && ++busyFetches >= BUSY_FETCHES_BEFORE_UNWATCH) {
            await this.waiter.unwatch(blocking, this.blockingCloses);
          }
          await this.deliver(flat);
          // An idle consumer woken for fewer messages than it asked for found the lists empty: its next fetch (woken
          // at once by its own pops, which Redis reports to a script's caller despite NOLOOP) can wait a turn, so the
          // work just delivered runs, and its result goes to Redis, ahead of it.
          if (flat.length / 3 < want && this.waiter?.watching(this.blockingCloses) === true) await new Promise(setImmediate);
          continue;
        }
        busyFetches = 0;
        if (this.waiter === undefined) await this.startWaiter(blocking, keys);
        if (this.waiter !== null && this.waiter !== undefined) {
          if (!this.waiter.watching(this.blockingCloses)) {
            // Tracking on, then one more fetch for what arrived before it was.
            await this.waiter.watch(blocking, this.blockingCloses);
            continue;
          }
          await this.waiter.wait(ctx.options.brpopTimeout * 1000);
          continue;
        }
        reply = await blocking.brpop(keys, ctx.options.brpopTimeout);
      } catch (e) {
        // The fetch may have run with its reply lost: whatever it recorded is found again by its score.
        if (score !== null && this.options.noAck !== true) this.interruptedFetches.push({ score, received: new Set() });
        if (this.cancelled) break;
        if (blocking.status === "end") {
          this.emitError(toTransportError(e, "BRPOP (the connection gave up reconnecting; consumer stopped)"));
          break;
        }
        this.emitError(toTransportError(e, "BRPOP"));
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (reply === null) continue;
      const [key, item] = reply;
      if (this.cancelled) {
        // Popped after cancel: never delivered, so back to the front of the list it came from.
        await ctx.commands.rpush(key, item).catch((e: unknown) => this.emitError(toTransportError(e, "RPUSH after cancel")));
        break;
      }
      const queue = ctx.layout.queueFromListKey(key);
      cycle.rotate(queue);
      await this.deliverOne(queue, item);
    }
  }

  /**
   * The first time the consumer is idle: tracking for its lists, or BRPOP (with a warning) where the server refuses
   * it. A connection failure leaves it undecided until the next idle turn.
   */
  private async startWaiter(blocking: Redis, keys: readonly string[]): Promise<void> {
    const outcome = await ListChangeWaiter.start(this.deps.createTrackingConnection(), blocking, this.blockingCloses, keys);
    if (typeof outcome !== "string") {
      this.waiter = outcome;
      if (this.cancelled) outcome.close();
      return;
    }
    this.waiter = null;
    this.emitError(
      new CeleryProtoError(
        "BrokerError",
        `Redis refused client-side tracking (${outcome}): an idle consumer waits with BRPOP as kombu does, and a worker killed between a BRPOP and its unacked record loses that one message`,
      ),
    );
  }

  /** How many messages the prefetch window has room for now (a batch bound when unlimited). */
  private credit(): number {
    if (this.options.noAck === true || this.prefetch === 0) return MAX_FETCH_BATCH;
    return Math.min(MAX_FETCH_BATCH, this.prefetch - this.unsettled.size);
  }

  /**
   * Items popped after cancel: never delivered, so back to the front (RPUSH, last popped first) of their lists, and
   * out of `unacked` in the same transaction.
   */
  private async pushBack(flat: readonly (string | null)[]): Promise<void> {
    const { commands, layout } = this.deps.ctx;
    const multi = commands.multi();
    const tags: string[] = [];
    for (let i = flat.length - 3; i >= 0; i -= 3) {
      multi.rpush(flat[i] as string, flat[i + 1] as string);
      const tag = flat[i + 2];
      if (tag !== null && tag !== undefined) tags.push(tag);
    }
    if (tags.length > 0) multi.zrem(layout.unackedIndexKey, ...tags).hdel(layout.unackedKey, ...tags);
    await multi.exec().catch((e: unknown) => this.emitError(toTransportError(e, "RPUSH after cancel")));
  }

  /**
   * Restores what interrupted fetches recorded and nobody received; a fetch stays listed until that went through.
   * Runs on the BRPOP connection, which `cancel()` disconnects, so a Redis outage cannot hold up shutdown here.
   */
  private async restoreInterruptedFetches(blocking: Redis): Promise<void> {
    const ctx: RedisChannelContext = { ...this.deps.ctx, commands: blocking };
    while (this.interruptedFetches.length > 0) {
      const { score, received } = this.interruptedFetches[0] as InterruptedFetch;
      const tags = await ctx.commands.zrangebyscore(ctx.layout.unackedIndexKey, score, score);
      let restored = 0;
      for (const tag of tags) if (!received.has(tag) && (await restoreByTag(ctx, tag, false))) restored++;
      this.interruptedFetches.shift();
      if (restored > 0) {
        this.emitError(
          new CeleryProtoError(
            "TransportClosed",
            `a fetch's reply was lost with the connection: its ${restored} message(s) were restored from unacked to their queues`,
          ),
        );
      }
    }
  }

  /** One message BRPOP popped or a fanout PUBLISH brought, not recorded in unacked yet. */
  private deliverOne(queue: string, envelope: string): Promise<void> {
    return this.deliver([null, envelope, null], queue);
  }

  /**
   * kombu's `basic_consume` callback for each message: `QoS.append` (unless no_ack), then the user's callback.
   * `flat` is `POP_MANY`'s reply, `list key, envelope, recorded tag or null` per message; `queue`, when given, is the
   * queue of every message in it (else each one's is read from its list key).
   */
  private async deliver(flat: readonly (string | null)[], queue?: string): Promise<void> {
    if (this.cancelled) return;
    const noAck = this.options.noAck === true;
    const accepted: Pending[] = [];
    const { layout } = this.deps.ctx;
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const envelope = flat[i + 1] as string;
      const recordedTag = flat[i + 2] ?? null;
      const from = queue ?? layout.queueFromListKey(flat[i] as string);
      try {
        const message = readRedisEnvelope(envelope);
        // The tag POP_MANY recorded is the one to remove, whatever this parser reads as the tag.
        const recorded = recordedTag !== null;
        accepted.push(new Pending(this, recordedTag ?? message.deliveryTag, recorded ? null : envelope, from, message, recorded, noAck));
      } catch (e) {
        // kombu cannot decode it either (its consumer raises); it is reported, not redelivered forever.
        if (recordedTag !== null) await this.remover.remove(recordedTag);
        const error = CeleryProtoError.from(e, "InvalidEnvelope");
        this.emitError(
          new CeleryProtoError(error.code, `message from queue ${JSON.stringify(from)} dropped: ${error.message}`, { cause: e, details: error.details }),
        );
      }
    }
    if (!noAck) {
      for (const pending of accepted) this.unsettled.add(pending);
      await this.register(accepted);
    }
    for (const pending of accepted) {
      try {
        this.onDelivery(pending);
      } catch (e) {
        this.emitError(CeleryProtoError.from(e));
      }
    }
  }

  private async register(batch: readonly Pending[]): Promise<void> {
    const { commands, layout } = this.deps.ctx;
    const recordable: Pending[] = [];
    for (const pending of batch) {
      if (pending.registered) continue;
      if (pending.tag === null) {
        this.emitError(
          new CeleryProtoError("InvalidEnvelope", "delivery without properties.delivery_tag: not recorded in unacked (kombu cannot consume it either)"),
        );
      } else recordable.push(pending);
    }
    if (recordable.length === 0) return;
    const score = String(Date.now() / 1000);
    const scored: string[] = [];
    const fields: string[] = [];
    for (const pending of recordable) {
      const info = pending.message.deliveryInfo;
      scored.push(score, pending.tag as string);
      fields.push(pending.tag as string, encodeUnackedText(pending.envelope as string, info?.exchange ?? "", info === null ? pending.queue : info.routingKey));
    }
    try {
      const results = await commands
        .multi()
        .zadd(layout.unackedIndexKey, ...scored)
        .hset(layout.unackedKey, ...fields)
        .exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed !== undefined) throw failed[0];
      for (const pending of recordable) {
        pending.registered = true;
        pending.envelope = null;
      }
    } catch (e) {
      this.emitError(toTransportError(e, "recording the delivery in unacked (it stays in memory only)"));
    }
  }

  /** A delivery's ack or reject (through {@link Pending}). */
  async settle(pending: Pending, kind: "ack" | "drop" | "requeue"): Promise<void> {
    if (pending.settled) return;
    pending.settled = true;
    this.unsettled.delete(pending);
    this.wake?.();
    const { ctx } = this.deps;
    if (!pending.registered) {
      if (kind === "requeue") await pushRestoredEntry(ctx, entryFromEnvelope(pending.envelope as string, pending.queue), true);
      return;
    }
    const tag = pending.tag as string;
    if (kind === "requeue") {
      await restoreByTag(ctx, tag, true);
      return;
    }
    await this.remover.remove(tag);
  }

  /** kombu `QoS.restore_unacked`: every unsettled delivery, in delivery order, back to the front of its queue. */
  private async restoreUnsettled(): Promise<void> {
    if (this.unsettled.size > 0 && this.deps.ctx.commands.status !== "ready") {
      // Waiting for Redis here would hang shutdown; recorded deliveries come back through restore_visible.
      this.emitError(
        new CeleryProtoError(
          "TransportClosed",
          `${this.unsettled.size} unsettled deliveries not restored: Redis is unreachable (recorded ones return after visibility_timeout via restoreVisible)`,
        ),
      );
      this.unsettled.clear();
      return;
    }
    for (const pending of [...this.unsettled]) {
      pending.settled = true;
      this.unsettled.delete(pending);
      try {
        if (pending.registered) await restoreByTag(this.deps.ctx, pending.tag as string, false);
        else await pushRestoredEntry(this.deps.ctx, entryFromEnvelope(pending.envelope as string, pending.queue), false);
      } catch (e) {
        this.emitError(CeleryProtoError.from(e, "BrokerError"));
      }
    }
  }

  /**
   * Waits until the window has room: for half of it (a fetch's worth at most) while the caller still has deliveries to
   * work on, for one as soon as it is starving. A fetch sized by the deliveries settled since the last one would be
   * as small as the pool's free slots, one round trip each.
   */
  private async waitForCredit(): Promise<void> {
    if (this.options.noAck === true) return;
    for (;;) {
      if (this.cancelled || this.prefetch === 0) return;
      const room = this.prefetch - this.unsettled.size;
      if (room >= Math.min(MAX_FETCH_BATCH, Math.ceil(this.prefetch / 2))) return;
      if (room > 0 && (this.options.starving === undefined || this.options.starving())) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** kombu 5.7 `maybe_refresh_binding_expiry`: keep the binding tables of consumed `x-expires` queues alive. */
  private async maybeRefreshBindings(queues: readonly string[]): Promise<void> {
    const { ctx } = this.deps;
    const expiring = queues.filter((q) => ctx.state.expiresOf(q) !== undefined);
    if (expiring.length === 0) return;
    const every = Math.min(...expiring.map((q) => bindingTtlMs(ctx.state.expiresOf(q) as number))) / 3;
    const now = performance.now();
    if (now - this.bindingsRefreshedAt < every) return;
    this.bindingsRefreshedAt = now;
    for (const queue of expiring) {
      const ttl = bindingTtlMs(ctx.state.expiresOf(queue) as number);
      for (const binding of ctx.state.bindingsOf(queue)) {
        await ctx.commands
          .eval(
            REFRESH_BINDING,
            2,
            ctx.layout.bindingKey(binding.exchange),
            ctx.layout.bindingDeadlinesKey,
            bindingMemberFor(ctx, queue, binding),
            binding.exchange,
            String(ttl),
          )
          .catch((e: unknown) => this.emitError(toTransportError(e, "binding refresh")));
      }
    }
  }

  private emitError(error: CeleryProtoError): void {
    this.deps.ctx.options.onEvent({ type: "error", error });
  }
}

/**
 * The `unacked_index` score of one fetch: the time in seconds as kombu's `time()`, with a random fraction of a
 * millisecond so that no other fetch shares it and a lost fetch's entries can be found by it alone.
 */
function fetchScore(): string {
  return String((Date.now() + Math.random()) / 1000);
}
