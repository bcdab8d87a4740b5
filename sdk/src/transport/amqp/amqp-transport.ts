import type { Channel, ChannelModel } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ExchangeBindSpec, QueueBindSpec } from "../binding-spec.js";
import type { ExchangeSpec, QueueSpec } from "../queue-spec.js";
import type { ConsumeOptions, Consumer, Delivery, OutgoingMessage, Transport, TransportEvent } from "../transport.js";
import { AmqpConsumer, type ConsumerHost } from "./amqp-consumer.js";
import { createClosedError, describeError, toBrokerRefusal, toConnectError } from "./amqp-errors.js";
import type { CompiledAmqpTransportOptions } from "./amqp-transport-options.js";
import { bindAmqpExchange, bindAmqpQueue, resolveExchangeBind, resolveQueueBind } from "./bind-amqp-entities.js";
import { ConfirmPublisher, type AmqpChannelError } from "./confirm-publisher.js";
import { DeclarationRegistry, describeDeclaration, type Declaration } from "./declaration-registry.js";
import { declareAmqpExchange, declareAmqpQueue, isQuorumDeclaration, resolveExchangeDeclaration, resolveQueueDeclaration } from "./declare-amqp-entities.js";
import { connectAmqpEndpoint } from "./connect-amqp-endpoint.js";
import { installHeaderDecoder } from "./install-header-decoder.js";
import { installWriteCoalescing } from "./install-write-coalescing.js";
import type { AmqpEndpoint } from "./parse-amqp-url.js";
import { encodePublishFrames, type PublishFrames } from "./encode-publish-frames.js";
import { PublishQueue, type PendingPublish } from "./publish-queue.js";
import { qosSemanticsMatchesSpec } from "./qos-semantics-matches-spec.js";

type State = "connecting" | "open" | "closing" | "closed";

/** Connection-level reply codes RabbitMQ uses for a command it refuses (the connection closes). */
const HARD_ERROR_CODES = new Set([503, 504, 530, 540]);
/** A message unconfirmed on this many publish channels that the broker closed with a channel error is refused. */
const MAX_CHANNEL_FAILURES = 3;
/** Attempts at an admin operation (declare, purge, delete) across connection losses before it rejects. */
const MAX_ADMIN_TRIES = 3;

/**
 * The AMQP 0-9-1 transport (RabbitMQ), on amqplib. Lifecycle:
 * `connecting` → `open` ⇄ `connecting` (reconnect with backoff, round-robin over the URL's alternates) →
 * `closing` → `closed`; also `closed` when reconnecting gives up (`maxReconnectAttempts`).
 * On every (re)connection it re-declares what was declared, re-opens the publish channel, re-establishes consumers
 * (with their prefetch) and then sends the publishes buffered meanwhile. Everything is reported through
 * `onEvent`; errors never surface as unhandled `error` events.
 */
export class AmqpTransport implements Transport {
  readonly kind = "amqp" as const;
  private state: State = "connecting";
  private model: ChannelModel | null = null;
  private endpoint: AmqpEndpoint | null = null;
  /** Bumped on every new connection; admin operations redo their work when it changed under them. */
  private generation = 0;
  private publisher: ConfirmPublisher | null = null;
  private admin: Channel | null = null;
  private adminOpening: Promise<Channel> | null = null;
  private readonly waiting = new PublishQueue();
  private readonly consumers = new Set<AmqpConsumer>();
  private readonly declarations = new DeclarationRegistry();
  private nextEndpoint = 0;
  private readyWaiters: { resolve: () => void; reject: (e: CeleryProtoError) => void }[] = [];
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private closing: Promise<void> | null = null;
  private warnedDecoder = false;
  private readonly consumerHost: ConsumerHost;
  /** Why each connection closed (the broker's connection.close), to blame a consumer that caused it. */
  private readonly closeReasons = new WeakMap<ChannelModel, Error>();
  /** Queues RabbitMQ refused global QoS for (quorum queues declared elsewhere): consumed with per-consumer QoS. */
  private readonly noGlobalQos = new Set<string>();
  /** `server_properties` of the latest connection (product, version, ...); null before the first. */
  private serverProperties: Readonly<Record<string, unknown>> | null = null;

  constructor(private readonly options: CompiledAmqpTransportOptions) {
    this.consumerHost = {
      useGlobalQos: (queues) => this.useGlobalQos(queues),
      reportError: (error) => this.emit({ type: "error", error }),
      onChannelLost: (consumer, model) => this.reattachLater(consumer, model),
      onCancelled: (consumer) => this.consumers.delete(consumer),
    };
  }

  /** Connects for the first time (each alternate `initialConnectAttempts` times in all). Called by the factory. */
  async start(): Promise<void> {
    const signal = this.options.signal;
    const abort = (): void => void this.close();
    if (signal?.aborted === true) abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      await this.connectLoop(true);
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /** True while connected to a broker. */
  get isConnected(): boolean {
    return this.state === "open";
  }

  /** The URL (password masked) of the broker it is connected to; null while disconnected. */
  get currentEndpoint(): string | null {
    return this.model === null ? null : (this.endpoint?.display ?? null);
  }

  /**
   * kombu's `qos_semantics_matches_spec` for the broker of the latest connection: false on RabbitMQ 3.3 to 3.x, where
   * Celery consumes with `global=true`. Undefined before the first connection.
   */
  get qosSemanticsMatchesSpec(): boolean | undefined {
    return this.serverProperties === null ? undefined : qosSemanticsMatchesSpec(this.serverProperties);
  }

  /** Publishes waiting to be written (while disconnected or back-pressured). */
  get bufferedPublishes(): number {
    return this.waiting.length;
  }

  async declareExchange(exchange: ExchangeSpec): Promise<void> {
    this.assertUsable();
    const declaration = resolveExchangeDeclaration(exchange);
    this.declarations.setExchangeDeliveryMode(exchange.name, exchange.deliveryMode);
    await this.declare({ kind: "exchange", declaration });
  }

  async declareQueue(queue: QueueSpec): Promise<void> {
    this.assertUsable();
    const declaration = resolveQueueDeclaration(queue);
    if (declaration.exchange !== null) this.declarations.setExchangeDeliveryMode(declaration.exchange.name, queue.exchange?.deliveryMode);
    await this.declare({ kind: "queue", declaration });
  }

  /** `queue.bind` (kombu's `Queue.bind_to`); sent again after every reconnect, until the queue or exchange is deleted here. */
  async declareQueueBinding(binding: QueueBindSpec): Promise<void> {
    this.assertUsable();
    await this.declare({ kind: "queue-binding", declaration: resolveQueueBind(binding) });
  }

  /** `exchange.bind` (kombu's `Exchange.bind_to`); sent again after every reconnect, until either exchange is deleted here. */
  async declareExchangeBinding(binding: ExchangeBindSpec): Promise<void> {
    this.assertUsable();
    await this.declare({ kind: "exchange-binding", declaration: resolveExchangeBind(binding) });
  }

  publish(message: OutgoingMessage): Promise<void> {
    if (this.isShuttingDown()) return Promise.reject(createClosedError("publish"));
    const body = message.body;
    const content = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const defaultDeliveryMode = this.declarations.exchangeDeliveryMode(message.exchange);
    let encoded: PublishFrames;
    try {
      encoded = encodePublishFrames(message.exchange, message.routingKey, message.properties, content, defaultDeliveryMode);
    } catch (e) {
      return Promise.reject(CeleryProtoError.from(e, "EncodeError"));
    }
    return new Promise<void>((resolve, reject) => {
      const pending: PendingPublish = {
        exchange: message.exchange,
        routingKey: message.routingKey,
        content,
        encoded,
        properties: message.properties,
        defaultDeliveryMode,
        resolve,
        reject,
        channelFailures: 0,
      };
      const publisher = this.publisher;
      if (this.waiting.length === 0 && publisher !== null && publisher.canSend && publisher.send(pending)) return;
      if (this.waiting.length >= this.options.maxBufferedPublishes) {
        reject(
          new CeleryProtoError(
            "BufferOverflow",
            `${this.waiting.length} publishes are already waiting for the broker (${this.state === "open" ? "socket back-pressure" : "no connection"}); ` +
              `raise maxBufferedPublishes (${this.options.maxBufferedPublishes}) or wait for pending publishes before sending more`,
          ),
        );
        return;
      }
      this.waiting.push(pending);
    });
  }

  async consume(queues: readonly string[], onDelivery: (delivery: Delivery) => void, options: ConsumeOptions): Promise<Consumer> {
    this.assertUsable();
    if (queues.length === 0) throw new CeleryProtoError("InvalidOption", "queues: consume needs at least one queue");
    if (typeof options.prefetch !== "number" || !(options.prefetch >= 0)) {
      throw new CeleryProtoError("InvalidOption", `prefetch: must be a number >= 0 (0 = unlimited), got ${String(options.prefetch)}`);
    }
    if (options.globalQos !== undefined && typeof options.globalQos !== "boolean") {
      throw new CeleryProtoError("InvalidOption", `globalQos: must be true, false or left out, got ${String(options.globalQos)}`);
    }
    const consumer = new AmqpConsumer(queues, onDelivery, options, this.consumerHost);
    this.consumers.add(consumer);
    for (let tries = 0; ; tries++) {
      try {
        await this.whenOpen();
      } catch (e) {
        this.consumers.delete(consumer);
        throw e;
      }
      if (consumer.failure !== null) throw consumer.failure;
      const model = this.model;
      // A (re)connection that finished meanwhile has attached it already.
      if (model === null || consumer.isAttached || consumer.isCancelled) return consumer;
      try {
        await this.attachConsumer(consumer, model);
        return consumer;
      } catch (e) {
        if (consumer.failure !== null) throw consumer.failure;
        const refusal = toBrokerRefusal(e, `basic.consume on ${queues.join(", ")}`);
        if (refusal !== null || tries + 1 >= MAX_ADMIN_TRIES) {
          await consumer.fail(refusal ?? CeleryProtoError.from(e, "TransportClosed"));
          throw consumer.failure ?? e;
        }
      }
    }
  }

  async purge(queue: string): Promise<number> {
    this.assertUsable();
    const reply = await this.withAdmin(`queue.purge ${JSON.stringify(queue)}`, (ch) => ch.purgeQueue(queue));
    return reply.value.messageCount;
  }

  async deleteQueue(queue: string): Promise<void> {
    this.assertUsable();
    this.declarations.forgetQueue(queue);
    await this.withAdmin(`queue.delete ${JSON.stringify(queue)}`, (ch) => ch.deleteQueue(queue));
  }

  /** `exchange.delete` (kombu's `Exchange.delete()`); not part of the `Transport` seam. Forgets its declaration. */
  async deleteExchange(exchange: string): Promise<void> {
    this.assertUsable();
    this.declarations.forgetExchange(exchange);
    await this.withAdmin(`exchange.delete ${JSON.stringify(exchange)}`, (ch) => ch.deleteExchange(exchange));
  }

  /**
   * Graceful: stops reconnecting, sends what is buffered and waits for every outstanding confirm (up to
   * `closeTimeoutMs`), cancels consumers (the broker requeues unsettled deliveries), then closes the connection.
   * Publishes still unconfirmed after that reject with `TransportClosed`. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // --- connection lifecycle -------------------------------------------------------------------------------------

  private async connectLoop(initial: boolean): Promise<void> {
    const limit = initial ? this.options.initialConnectAttempts : this.options.maxReconnectAttempts;
    let lastError: CeleryProtoError | null = null;
    for (let attempt = initial ? 0 : 1; ; attempt++) {
      if (attempt > 0) {
        if (initial ? attempt >= limit : attempt > limit) throw this.gaveUp(lastError, initial ? attempt : attempt - 1, initial, limit);
        const delayMs = Math.max(0, this.options.backoff(attempt));
        this.emit({ type: "reconnecting", attempt, delayMs });
        await this.sleep(delayMs);
      }
      if (this.isShuttingDown()) throw createClosedError("connect");
      const endpoint = this.options.endpoints[this.nextEndpoint % this.options.endpoints.length]!;
      this.nextEndpoint++;
      try {
        await this.openConnection(endpoint);
        return;
      } catch (e) {
        if (this.isShuttingDown()) throw createClosedError("connect");
        lastError = toConnectError(e, endpoint, this.options.connectTimeoutMs, this.options.connectTimeoutSetting);
        // A missing vhost or refused login will not change by retrying at start-up: say so at once.
        if (initial && lastError.code === "InvalidOption") throw lastError;
        this.emit({ type: "error", error: lastError });
      }
    }
  }

  private gaveUp(lastError: CeleryProtoError | null, attempts: number, initial: boolean, limit: number): CeleryProtoError {
    const endpoints = this.options.endpoints;
    const reason = lastError?.message ?? "no attempt was made";
    if (initial && attempts === 1 && lastError !== null) return lastError;
    const setting = initial ? (limit === endpoints.length ? "each alternate once" : `initialConnectAttempts = ${limit}`) : `maxReconnectAttempts = ${limit}`;
    return new CeleryProtoError(
      lastError?.code ?? "TransportClosed",
      `could not connect to ${endpoints.map((e) => e.display).join(" or ")} after ${attempts} attempt(s) (${setting}); last: ${reason}`,
      { cause: lastError },
    );
  }

  private async openConnection(endpoint: AmqpEndpoint): Promise<void> {
    const model = await connectAmqpEndpoint(endpoint, this.options);
    this.serverProperties = { ...(model.connection.serverProperties as unknown as Record<string, unknown>) };
    let lastError: Error | null = null;
    let dead = false;
    model.on("error", (e: Error) => {
      lastError = e;
      this.closeReasons.set(model, e);
    });
    model.on("close", (e?: Error) => {
      dead = true;
      if (e !== undefined && !this.closeReasons.has(model)) this.closeReasons.set(model, e);
      this.onConnectionClosed(model, lastError ?? e ?? null);
    });
    model.on("blocked", (reason: string) => {
      // Informational (RabbitMQ resource alarm): publishes wait, and count against maxBufferedPublishes, meanwhile.
      this.emit({ type: "error", error: new Error(`the broker blocked publishing on this connection (${reason}); publishes wait until it unblocks`) });
    });
    // Without it frames still go out, one write each: nothing to report.
    installWriteCoalescing(model);
    if (!installHeaderDecoder(model) && !this.warnedDecoder) {
      this.warnedDecoder = true;
      this.emit({
        type: "error",
        error: new CeleryProtoError(
          "DecodeError",
          "could not install the py-amqp header reader on amqplib (internals changed?): headers with 64-bit integers from Python producers will close the connection",
        ),
      });
    }
    try {
      this.generation++;
      const admin = await this.openAdminChannel(model);
      await this.replayDeclarations(model, admin);
      const publisher = await this.openPublisher(model);
      for (const consumer of [...this.consumers]) {
        if (consumer.isCancelled) continue;
        try {
          await this.attachConsumer(consumer, model);
        } catch (e) {
          if (dead) throw e;
          const refusal = toBrokerRefusal(e, `basic.consume on ${consumer.queues.join(", ")}`);
          if (refusal !== null) await consumer.fail(refusal);
          this.emit({
            type: "error",
            error:
              refusal ??
              new CeleryProtoError("TransportClosed", `could not re-establish the consumer of ${consumer.queues.join(", ")}: ${describeError(e)}`, {
                cause: e,
              }),
          });
        }
      }
      if (dead) throw new Error(lastError === null ? "connection closed during setup" : describeError(lastError));
      if (this.isShuttingDown()) throw createClosedError("connect");
      this.model = model;
      this.endpoint = endpoint;
      this.publisher = publisher;
      this.state = "open";
    } catch (e) {
      await model.close().catch(() => undefined);
      throw e;
    }
    this.emit({ type: "connected" });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
    this.flush();
  }

  private onConnectionClosed(model: ChannelModel, error: Error | null): void {
    if (model !== this.model) return; // a connection still being set up: openConnection() sees it fail
    this.model = null;
    this.publisher = null;
    this.admin = null;
    this.adminOpening = null;
    for (const consumer of this.consumers) consumer.detach();
    this.declarations.resetConnection();
    if (this.state !== "open") return; // closing: close() owns the rest
    this.state = "connecting";
    const display = this.endpoint?.display ?? "the broker";
    this.emit({
      type: "disconnected",
      error: error === null ? null : new CeleryProtoError("TransportClosed", `lost the connection to ${display}: ${error.message}`, { cause: error }),
    });
    this.connectLoop(false).catch((e: unknown) => this.giveUp(e));
  }

  private giveUp(error: unknown): void {
    if (this.isShuttingDown()) return;
    this.state = "closed";
    const reason = CeleryProtoError.from(error, "TransportClosed");
    this.emit({ type: "error", error: reason });
    this.failAll(reason);
    this.consumers.clear();
  }

  private async shutdown(): Promise<void> {
    const wasOpen = this.state === "open";
    this.state = "closing";
    this.wake();
    if (wasOpen) await this.settlePublishes(this.options.closeTimeoutMs);
    this.failAll(createClosedError("publish"));
    for (const consumer of [...this.consumers]) await consumer.cancel();
    const model = this.model;
    this.model = null;
    if (model !== null) await model.close().catch(() => undefined);
    this.publisher = null;
    this.admin = null;
    this.state = "closed";
  }

  /** Sends the buffered publishes and waits for all confirms, at most `timeoutMs`. */
  private async settlePublishes(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.flush();
      const publisher = this.publisher;
      if (publisher === null || (this.waiting.length === 0 && publisher.unconfirmedCount === 0)) return;
      const left = deadline - Date.now();
      if (left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        publisher.unconfirmedCount > 0 ? publisher.waitForConfirms() : new Promise<void>((r) => setTimeout(r, 5)),
        new Promise<void>((r) => {
          timer = setTimeout(r, left);
        }),
      ]);
      clearTimeout(timer);
    }
  }

  private failAll(reason: CeleryProtoError): void {
    for (const p of this.waiting.drain()) p.reject(reason);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.reject(reason);
  }

  // --- publishing -----------------------------------------------------------------------------------------------

  private async openPublisher(model: ChannelModel): Promise<ConfirmPublisher> {
    const channel = this.options.confirms ? await model.createConfirmChannel() : await model.createChannel();
    const publisher: ConfirmPublisher = new ConfirmPublisher(channel, this.options.confirms, {
      onWritable: () => this.flush(),
      onClosed: (unconfirmed, channelError) => this.onPublisherClosed(publisher, model, unconfirmed, channelError),
    });
    return publisher;
  }

  private flush(): void {
    const publisher = this.publisher;
    if (publisher === null) return;
    while (this.waiting.length > 0 && publisher.canSend) {
      const next = this.waiting.shift()!;
      if (!publisher.send(next)) {
        this.waiting.unshiftAll([next]);
        return;
      }
    }
  }

  private onPublisherClosed(publisher: ConfirmPublisher, model: ChannelModel, unconfirmed: PendingPublish[], channelError: AmqpChannelError | null): void {
    if (this.publisher === publisher) this.publisher = null;
    if (channelError === null) {
      // The connection went away (or we are closing it): a lost confirm may or may not have reached the queue.
      if (this.state === "closing" || this.state === "closed" || !this.options.republishUnconfirmed) {
        const reason = createClosedError("publish (the connection closed before the broker confirmed it)");
        for (const p of unconfirmed) p.reject(reason);
      } else {
        this.waiting.unshiftAll(unconfirmed);
      }
      return;
    }
    // The broker closed only this channel because of something published on it (e.g. 404: no such exchange).
    const missingExchange = /no exchange '(.*)' in vhost/.exec(channelError.message)?.[1];
    const retry: PendingPublish[] = [];
    for (const p of unconfirmed) {
      p.channelFailures++;
      if (p.exchange === missingExchange || p.channelFailures >= MAX_CHANNEL_FAILURES) {
        p.reject(
          new CeleryProtoError("PublishRejected", `the broker refused the message to exchange ${JSON.stringify(p.exchange)}: ${channelError.message}`, {
            cause: channelError,
          }),
        );
      } else {
        retry.push(p);
      }
    }
    this.waiting.unshiftAll(retry);
    if (this.model === model && this.state === "open") void this.replacePublisher(model);
  }

  private async replacePublisher(model: ChannelModel): Promise<void> {
    try {
      const publisher = await this.openPublisher(model);
      if (this.model !== model || this.state !== "open") {
        await publisher.close();
        return;
      }
      this.publisher = publisher;
      this.flush();
    } catch (e) {
      this.emit({
        type: "error",
        error: new CeleryProtoError("TransportClosed", `could not reopen the publish channel: ${describeError(e)}; reconnecting`, { cause: e }),
      });
      // A fresh connection reopens everything.
      if (this.model === model) await model.close().catch(() => undefined);
    }
  }

  // --- declarations and admin operations -------------------------------------------------------------------------

  private async declare(entry: Declaration): Promise<void> {
    for (;;) {
      if (this.state === "open" && this.declarations.isDeclared(entry)) return;
      const generation = this.generation;
      await this.withAdmin(describeDeclaration(entry), (ch) => sendDeclaration(ch, entry));
      if (generation === this.generation) {
        this.declarations.markDeclared(entry);
        return;
      }
      // Declared on a connection that has been replaced since: declare again on the new one.
    }
  }

  private async replayDeclarations(model: ChannelModel, admin: Channel): Promise<void> {
    let channel = admin;
    for (const entry of this.declarations.all()) {
      try {
        await sendDeclaration(channel, entry);
        this.declarations.markDeclared(entry);
      } catch (e) {
        if (toBrokerRefusal(e, "") === null) throw e;
        this.emit({
          type: "error",
          error: new CeleryProtoError("BrokerError", `${describeDeclaration(entry)} again after reconnecting failed: ${describeError(e)}`, { cause: e }),
        });
        channel = await this.openAdminChannel(model);
      }
    }
  }

  private async openAdminChannel(model: ChannelModel): Promise<Channel> {
    const channel = await model.createChannel();
    channel.on("error", () => undefined); // refusals reach the caller as rejected operations
    channel.on("close", () => {
      if (this.admin === channel) this.admin = null;
    });
    this.admin = channel;
    return channel;
  }

  /** Runs an admin operation on the admin channel, waiting for a connection and retrying across reconnects. */
  private async withAdmin<T>(what: string, operation: (channel: Channel) => Promise<T>): Promise<{ value: T }> {
    let lastError: unknown = null;
    for (let tries = 0; tries < MAX_ADMIN_TRIES; tries++) {
      await this.whenOpen();
      const model = this.model;
      if (model === null) continue;
      try {
        const channel = this.admin ?? (await (this.adminOpening ??= this.openAdminChannel(model).finally(() => (this.adminOpening = null))));
        return { value: await operation(channel) };
      } catch (e) {
        const refusal = toBrokerRefusal(e, what);
        if (refusal !== null) throw refusal;
        lastError = e;
      }
    }
    throw new CeleryProtoError("TransportClosed", `${what} failed ${MAX_ADMIN_TRIES} times as the connection dropped: ${describeError(lastError)}`, {
      cause: lastError,
    });
  }

  private whenOpen(): Promise<void> {
    if (this.state === "open" && this.model !== null) return Promise.resolve();
    if (this.isShuttingDown()) return Promise.reject(createClosedError("wait for a connection"));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  // --- consumers --------------------------------------------------------------------------------------------------

  /**
   * `"auto"`: Celery's `not qos_semantics_matches_spec` for the connected broker (global on RabbitMQ 3.3 to 3.x, per
   * consumer on 4.0 and later), and per consumer whenever a consumed queue is a quorum queue (declared here as one, or
   * refused global QoS before), which does not support global QoS.
   */
  private useGlobalQos(queues: readonly string[]): boolean {
    if (this.options.globalQos !== "auto") return this.options.globalQos;
    if (qosSemanticsMatchesSpec(this.serverProperties)) return false;
    return !queues.some((q) => {
      const declaration = this.declarations.findQueue(q);
      return this.noGlobalQos.has(q) || (declaration !== undefined && isQuorumDeclaration(declaration));
    });
  }

  /**
   * Attaches a consumer. RabbitMQ answers some consumer setups with a connection-level error (e.g. 540
   * NOT_IMPLEMENTED for global QoS on a quorum queue) that kills the whole connection; re-attaching after the
   * reconnect would kill it again, forever. So: global-QoS refusals switch those queues to per-consumer QoS (with
   * `globalQos: "auto"`), and any other hard error fails this consumer instead of looping.
   */
  private async attachConsumer(consumer: AmqpConsumer, model: ChannelModel): Promise<void> {
    try {
      await consumer.attach(model);
    } catch (e) {
      const reason = this.closeReasons.get(model);
      const code = (reason as { code?: unknown } | undefined)?.code;
      if (reason !== undefined && typeof code === "number" && HARD_ERROR_CODES.has(code)) {
        const qos = /queue '(.*)' in vhost '.*' does not support global qos/.exec(reason.message);
        if (qos !== null && consumer.globalQos === undefined && this.options.globalQos === "auto" && !this.noGlobalQos.has(qos[1]!)) {
          this.noGlobalQos.add(qos[1]!);
        } else {
          const error = new CeleryProtoError(
            "BrokerError",
            `RabbitMQ closed the connection when consuming from ${consumer.queues.join(", ")}: ${reason.message}`,
            { cause: reason },
          );
          await consumer.fail(error);
          this.emit({ type: "error", error });
        }
      }
      throw e;
    }
  }

  private reattachLater(consumer: AmqpConsumer, model: ChannelModel): void {
    // Channels also close when the whole connection goes; that path re-attaches after reconnecting.
    setTimeout(
      () => {
        if (this.model !== model || this.state !== "open" || consumer.isCancelled || consumer.isAttached) return;
        this.attachConsumer(consumer, model).catch((e: unknown) => {
          this.emit({
            type: "error",
            error: new CeleryProtoError("TransportClosed", `could not reopen the consumer of ${consumer.queues.join(", ")}: ${describeError(e)}`, { cause: e }),
          });
        });
      },
      Math.max(0, this.options.backoff(1)),
    ).unref();
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  /** Read through a method: TypeScript would otherwise keep a narrowed `state` across awaits. */
  private isShuttingDown(): boolean {
    return this.state === "closing" || this.state === "closed";
  }

  private assertUsable(): void {
    if (this.isShuttingDown()) throw createClosedError("use the transport");
  }

  private emit(event: TransportEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A throwing listener must not break the transport.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleeping = null;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping = { timer, wake };
    });
  }

  private wake(): void {
    this.sleeping?.wake();
  }
}

/** Sends one remembered declaration on `channel`. */
function sendDeclaration(channel: Channel, entry: Declaration): Promise<void> {
  switch (entry.kind) {
    case "exchange":
      return declareAmqpExchange(channel, entry.declaration);
    case "queue":
      return declareAmqpQueue(channel, entry.declaration);
    case "queue-binding":
      return bindAmqpQueue(channel, entry.declaration);
    case "exchange-binding":
      return bindAmqpExchange(channel, entry.declaration);
  }
}
