import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { envelopeFromPublish } from "../../codec/redis/encode-redis-envelope.js";
import { readRedisEnvelope } from "../../codec/redis/decode-redis-envelope.js";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { queueArguments, queueExchange, type ExchangeSpec, type QueueSpec } from "../queue-spec.js";
import type { ConsumeOptions, Consumer, Delivery, OutgoingMessage, Transport } from "../transport.js";
import { bindingMemberFor, bindingTtlMs } from "./binding-member.js";
import { BrokerState, type RedisBinding } from "./broker-state.js";
import { compileRedisOptions, type CompiledRedisOptions } from "./compile-redis-options.js";
import { createRedisConnection } from "./create-redis-connection.js";
import { disconnectRedis } from "./disconnect-redis.js";
import { FanoutSubscriber } from "./fanout-subscriber.js";
import { ListPushBatcher } from "./list-push-batcher.js";
import { lookupQueues } from "./lookup-queues.js";
import { parseRedisUrl, type RedisTarget } from "./parse-redis-url.js";
import { PublishGate } from "./publish-gate.js";
import { readMessagePriority } from "./read-message-priority.js";
import type { RedisChannelContext } from "./redis-channel-context.js";
import { RedisConsumer } from "./redis-consumer.js";
import { createRedisKeyLayout, type RedisKeyLayout } from "./redis-key-layout.js";
import { REFRESH_BINDING } from "./redis-scripts.js";
import type { RedisTransportOptions } from "./redis-transport-options.js";
import { RestoreSweep } from "./restore-sweep.js";
import { restoreVisible, type RestoreVisibleOptions, type RestoreVisibleResult } from "./restore-visible.js";
import { toTransportError } from "./to-transport-error.js";
import { waitForReady } from "./wait-for-ready.js";

/** One fanout message as `subscribeFanout` hands it over. */
export interface FanoutMessage {
  readonly message: RawTaskParts;
  /** The exchange, read from the channel as kombu does. */
  readonly exchange: string;
  /** The channel it was published on, `global_keyprefix` removed (e.g. `/0.celeryev/task.succeeded`). */
  readonly channel: string;
}

/**
 * kombu's Redis transport, byte for byte (K:kombu/transport/redis.py, kombu 5.7): queues are lists per priority step,
 * bindings are sets, acknowledgements are emulated in `unacked`/`unacked_index`, fanout is PUB/SUB. Create it with
 * `createRedisTransport`. One command connection, one BRPOP connection per consumer, one PUB/SUB connection.
 */
export class RedisTransport implements Transport {
  readonly kind = "redis" as const;
  /** kombu's channel state: command connection, key layout, compiled options, declared exchanges and bindings. */
  readonly context: RedisChannelContext;
  private readonly gate: PublishGate;
  private readonly pushes: ListPushBatcher;
  private readonly subscriber: FanoutSubscriber;
  private readonly consumers = new Set<RedisConsumer>();
  private readonly restoreSweep: RestoreSweep;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly target: RedisTarget,
    options: CompiledRedisOptions,
    commands: Redis,
  ) {
    this.context = { commands, layout: createRedisKeyLayout(options, target.db), options, state: new BrokerState() };
    this.gate = new PublishGate(options.maxBufferedPublishes, () => commands.status === "ready");
    this.pushes = new ListPushBatcher(commands);
    this.subscriber = new FanoutSubscriber(
      () => createRedisConnection(target, options, "subscriber"),
      (e) => options.onEvent({ type: "error", error: CeleryProtoError.from(e) }),
    );
    this.restoreSweep = new RestoreSweep(() => restoreVisible(this), options, options.onEvent);
  }

  /** @internal Use `createRedisTransport`. */
  static async open(url: string, options: RedisTransportOptions = {}): Promise<RedisTransport> {
    const compiled = compileRedisOptions(options);
    const target = parseRedisUrl(url);
    const commands = createRedisConnection(target, compiled, "commands");
    await waitForReady(commands, { url, target, options: compiled, signal: options.signal });
    return new RedisTransport(target, compiled, commands);
  }

  /** True while the command connection is up (false while it reconnects, and once closed). */
  get isConnected(): boolean {
    return this.closing === null && this.context.commands.status === "ready";
  }

  /** Every key name this transport uses (already prefixed with `global_keyprefix`). */
  get layout(): RedisKeyLayout {
    return this.context.layout;
  }

  async declareExchange(exchange: ExchangeSpec): Promise<void> {
    this.assertOpen();
    this.context.state.declareExchange(exchange);
  }

  /**
   * kombu's `Queue.declare()`: `_new_queue` (records `x-expires`), `exchange_declare` (in memory), then `queue_bind`:
   * `MULTI; SADD _kombu.binding.<ex> <member>; SADD _kombu.binding_permanent.<ex> <member>; EXEC`, or for a queue with
   * `x-expires` kombu 5.7's REFRESH_BINDING script; then the same for each extra binding (`bindings`). Nothing is
   * written for a queue without exchange, nor for one with `noDeclare`.
   */
  async declareQueue(queue: QueueSpec): Promise<void> {
    this.assertOpen();
    if (queue.noDeclare === true) return;
    const { state } = this.context;
    const expires = queueArguments(queue)["x-expires"];
    state.setExpires(queue.name, typeof expires === "number" ? Math.trunc(expires) : undefined);
    const exchange = queueExchange(queue);
    const bindings: { readonly exchange: ExchangeSpec; readonly routingKey: string }[] = [];
    if (exchange !== null && exchange.name !== "") bindings.push({ exchange, routingKey: queue.routingKey ?? queue.name });
    for (const b of queue.bindings ?? []) if (b.exchange.name !== "") bindings.push({ exchange: b.exchange, routingKey: b.routingKey ?? "" });
    for (const b of bindings) {
      state.declareExchange(b.exchange);
      await this.bindQueue(queue.name, { exchange: b.exchange.name, routingKey: b.routingKey });
    }
  }

  private async bindQueue(queue: string, binding: RedisBinding): Promise<void> {
    const { state, layout, commands } = this.context;
    if (!state.addBinding(queue, binding)) return;
    const member = bindingMemberFor(this.context, queue, binding);
    const ms = state.expiresOf(queue);
    try {
      if (ms !== undefined) {
        await commands.eval(
          REFRESH_BINDING,
          2,
          layout.bindingKey(binding.exchange),
          layout.bindingDeadlinesKey,
          member,
          binding.exchange,
          String(bindingTtlMs(ms)),
        );
      } else {
        await commands.multi().sadd(layout.bindingKey(binding.exchange), member).sadd(layout.bindingPermanentKey(binding.exchange), member).exec();
      }
    } catch (e) {
      throw toTransportError(e, `binding queue ${queue} to ${binding.exchange}`);
    }
  }

  /**
   * kombu's `basic_publish`: the envelope (uuid4 delivery tag), then exchange `""` → LPUSH to the routing key's
   * priority list; fanout → PUBLISH on the fanout channel; direct/topic (as declared here, else direct) → SMEMBERS
   * the binding table and LPUSH to each matching queue. Refused with `BufferOverflow` when too many wait for a lost
   * connection.
   */
  async publish(message: OutgoingMessage): Promise<void> {
    this.assertOpen();
    const { state, layout, commands, options } = this.context;
    const declared = message.exchange === "" ? undefined : state.exchange(message.exchange);
    const publish =
      declared?.deliveryMode !== undefined && message.properties.delivery_mode === undefined
        ? { ...message, properties: { ...message.properties, delivery_mode: declared.deliveryMode } }
        : message;
    const envelope = envelopeFromPublish(publish, randomUUID(), options.jsonFlavor);
    await this.gate.run(async () => {
      try {
        if (publish.exchange !== "" && state.typeOf(publish.exchange) === "fanout") {
          await commands.publish(layout.fanoutChannel(publish.exchange, publish.routingKey), envelope);
          return;
        }
        const priority = readMessagePriority(publish.properties.priority);
        const queues = publish.exchange === "" ? [publish.routingKey] : await lookupQueues(this.context, publish.exchange, publish.routingKey);
        await Promise.all(queues.map((queue) => this.put(queue, envelope, priority)));
      } catch (e) {
        throw toTransportError(
          e,
          `publish to ${publish.exchange === "" ? "queue" : "exchange"} ${JSON.stringify(publish.exchange || publish.routingKey)}`,
          "PublishRejected",
        );
      }
    });
  }

  async consume(queues: readonly string[], onDelivery: (delivery: Delivery) => void, options: ConsumeOptions): Promise<Consumer> {
    this.assertOpen();
    const consumer = await RedisConsumer.start(
      {
        ctx: this.context,
        createBlockingConnection: () => createRedisConnection(this.target, this.context.options, "consumer"),
        createTrackingConnection: () => createRedisConnection(this.target, this.context.options, "tracking"),
        subscriber: this.subscriber,
        onCancelled: (c) => this.consumers.delete(c),
      },
      queues,
      onDelivery,
      options,
    );
    this.consumers.add(consumer);
    if (options.noAck !== true) this.restoreSweep.start();
    return consumer;
  }

  /**
   * Receives fanout messages (events, broadcast control) the way kombu's fanout consumers do: PSUBSCRIBE
   * `<global_keyprefix><fanout prefix><exchange>[/<key with # → *>]` on the PUB/SUB connection, decode each envelope.
   * `routingKeyPattern` `""` subscribes to the bare exchange channel (what an empty routing key publishes to).
   * Resolves once Redis confirmed the subscription. Offline subscribers miss messages, as with kombu.
   */
  async subscribeFanout(exchange: string, routingKeyPattern: string, onMessage: (message: FanoutMessage) => void): Promise<Consumer> {
    this.assertOpen();
    const { layout, options } = this.context;
    const pattern = layout.fanoutPattern(exchange, routingKeyPattern);
    let unsubscribe: () => Promise<void>;
    try {
      unsubscribe = await this.subscriber.subscribe(pattern, (envelope, channel) => {
        let message: RawTaskParts;
        try {
          message = readRedisEnvelope(envelope);
        } catch (e) {
          options.onEvent({ type: "error", error: CeleryProtoError.from(e, "InvalidEnvelope") });
          return;
        }
        const bare = channel.startsWith(layout.prefix) ? channel.slice(layout.prefix.length) : channel;
        onMessage({ message, exchange: layout.exchangeFromChannel(channel), channel: bare });
      });
    } catch (e) {
      throw toTransportError(e, `PSUBSCRIBE ${pattern}`);
    }
    return { cancel: unsubscribe };
  }

  /** kombu's `QoS.restore_visible` for this broker; see `restoreVisible`. */
  async restoreVisible(options: RestoreVisibleOptions = {}): Promise<RestoreVisibleResult> {
    this.assertOpen();
    return restoreVisible(this, options);
  }

  /** kombu's `_purge`: `MULTI; (LLEN l; DEL l) for each priority list; EXEC`; resolves with the sum of the lengths. */
  async purge(queue: string): Promise<number> {
    this.assertOpen();
    const multi = this.context.commands.multi();
    for (const list of this.context.layout.listsOf(queue)) multi.llen(list).del(list);
    try {
      const results = (await multi.exec()) ?? [];
      return results.filter((_, i) => i % 2 === 0).reduce((sum, [err, n]) => (err === null ? sum + Number(n) : sum), 0);
    } catch (e) {
      throw toTransportError(e, `purge ${queue}`);
    }
  }

  /**
   * kombu's `queue_delete` → `_delete` for each binding declared here: `SREM` the member from the binding table and
   * the permanent set, then `MULTI; DEL` every priority list. Unlike kombu, the lists are deleted even when no
   * binding was declared in this process (kombu then does nothing at all).
   */
  async deleteQueue(queue: string): Promise<void> {
    this.assertOpen();
    const { state, layout, commands } = this.context;
    try {
      for (const binding of state.bindingsOf(queue)) {
        const member = bindingMemberFor(this.context, queue, binding);
        await commands.srem(layout.bindingKey(binding.exchange), member);
        await commands.srem(layout.bindingPermanentKey(binding.exchange), member);
      }
      const multi = commands.multi();
      for (const list of layout.listsOf(queue)) multi.del(list);
      await multi.exec();
    } catch (e) {
      throw toTransportError(e, `delete queue ${queue}`);
    }
    state.deleteQueue(queue);
  }

  /** Cancels every consumer (restoring their unsettled deliveries), drops subscriptions, closes the connections. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.restoreSweep.stop();
    this.closing = (async () => {
      const { commands } = this.context;
      // Publishes made just before close() go out (or fail with the connection) rather than wait for a tick after it.
      this.pushes.flush();
      // With Redis unreachable, fail what waits for it (TransportClosed) instead of waiting for it to come back.
      if (commands.status !== "ready") disconnectRedis(commands);
      await Promise.all([...this.consumers].map((c) => c.cancel()));
      await this.subscriber.close();
      if (commands.status === "ready") await commands.quit().catch(() => undefined);
      disconnectRedis(commands);
    })();
    return this.closing;
  }

  /**
   * kombu's `_put`: LPUSH to the priority list (one LPUSH for the publishes to a list in one event-loop turn,
   * `ListPushBatcher`); with `x-expires`, `MULTI; LPUSH; PEXPIRE` every list `; EXEC`.
   */
  private async put(queue: string, envelope: string, priority: number): Promise<void> {
    const { state, layout, commands } = this.context;
    const list = layout.listFor(queue, priority);
    const expires = state.expiresOf(queue);
    if (expires === undefined) return this.pushes.push(list, envelope);
    const multi = commands.multi().lpush(list, envelope);
    for (const each of layout.listsOf(queue)) multi.pexpire(each, expires);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed !== undefined) throw failed[0];
  }

  private assertOpen(): void {
    if (this.closing !== null) throw new CeleryProtoError("TransportClosed", "the Redis transport is closed");
  }
}
