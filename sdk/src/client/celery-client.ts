import { randomUUID } from "node:crypto";
import { encodeAmqpPublish } from "../codec/amqp/encode-amqp-publish.js";
import { createTaskMessage } from "../codec/task/create-task-message.js";
import { encodeControlRequest, PIDBOX_EXCHANGE } from "../control/encode-control-request.js";
import { explainQueueRefusal } from "../routing/explain-queue-refusal.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultBackend } from "../results/result-backend.js";
import { directExchangeWarning, routeNativeDelayed } from "../routing/native-delayed-destination.js";
import { resolveDestination } from "../routing/resolve-destination.js";
import type { QueueSpec } from "../transport/queue-spec.js";
import type { Transport } from "../transport/transport.js";
import type { PublishSpan, PublishTracer } from "../tracing/publish-tracer.js";
import type { CompiledClientOptions } from "./client-options.js";
import { encodeTaskSentEvent, EVENT_EXCHANGE } from "./encode-task-sent-event.js";
import type { SendTaskOptions } from "./send-task-options.js";
import type { TaskSender } from "./task-sender.js";

/**
 * A producer bound to one broker transport and one result backend: Celery's `send_task` path
 * (routing → `as_task_v2` → `send_task_message`) in TypeScript.
 */
export class CeleryClient implements TaskSender {
  private readonly declared = new Set<string>();
  private readonly warnedDirectExchanges = new Set<string>();
  private clock = 0;
  private closed = false;

  constructor(
    readonly transport: Transport,
    readonly backend: ResultBackend,
    readonly options: CompiledClientOptions,
    /** Traces each publish (`createClient({ tracing: true })`, the worker with tracing on); null for none. */
    readonly tracer: PublishTracer | null = null,
  ) {}

  async sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions = {}): Promise<string> {
    if (this.closed) throw new CeleryProtoError("TransportClosed", "the client is closed");
    const routed = this.options.router.route(name, args, kwargs, {
      queue: options.queue,
      exchange: options.exchange,
      routing_key: options.routingKey,
      priority: options.priority,
      delivery_mode: options.deliveryMode,
    });
    const now = new Date();
    const delayed = routeNativeDelayed(routed, this.options.queueTable, this.transport.kind, { countdown: options.countdown, eta: options.eta, now });
    if (delayed.directExchange !== null) this.warnDirectExchange(delayed.directExchange);
    const destination = resolveDestination(delayed.routed, this.options.queueTable, this.options.routing);
    const { exchange, routingKey, queueName } = destination;
    if (destination.queue !== null) await this.declareOnce(destination.queue);

    const id = options.id ?? randomUUID();
    // Where the backend allows it (Redis), the SUBSCRIBE and the message go out together: one round trip, not two. A
    // failed subscription still fails the call, though the message may have been sent by then.
    const subscribed = options.ignoreResult === true ? null : this.backend.onTaskCall(id);
    subscribed?.catch(() => undefined);
    if (this.backend.taskCallOverlapsPublish !== true) await subscribed;
    if (this.options.sendSentEvent) await this.declareEventExchange();
    const span: PublishSpan | null =
      this.tracer?.startPublish({
        taskName: name,
        taskId: id,
        exchange,
        routingKey,
        exchangeType: destination.queue === null ? null : (destination.queue.exchange?.type ?? "direct"),
      }) ?? null;
    let message: ReturnType<typeof createTaskMessage>;
    let sentEvent: Promise<void> | null = null;
    try {
      message = createTaskMessage({
        ...options,
        ...delayed.delay,
        // Written over caller-supplied propagation headers, as the Python instrumentation does.
        ...(span === null ? {} : { headers: { ...options.headers, ...span.headers } }),
        now,
        task: name,
        args,
        kwargs,
        id,
        priority: destination.priority,
        deliveryMode: destination.deliveryMode,
        replyTo: options.replyTo ?? this.backend.replyTo,
      });
      const publish = encodeAmqpPublish(
        message,
        { exchange, routingKey },
        {
          serializer: options.serializer ?? this.options.serializer,
          ...(this.options.signer === null ? {} : { signer: this.options.signer }),
          compression: options.compression === undefined ? this.options.compression : options.compression,
          jsonFlavor: this.options.jsonFlavor,
        },
      );
      const published = this.transport.publish(publish);
      sentEvent = this.options.sendSentEvent ? this.publishSentEvent(message, queueName, exchange, routingKey) : null;
      sentEvent?.catch(() => undefined);
      await Promise.all([published, subscribed]);
    } catch (e) {
      span?.end(e);
      throw e;
    }
    span?.end();
    await sentEvent;
    return id;
  }

  async broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
    await this.declareExchangeOnce(PIDBOX_EXCHANGE, () =>
      this.transport.declareExchange({ name: PIDBOX_EXCHANGE, type: "fanout", durable: false, deliveryMode: 1 }),
    );
    // Celery's mailbox sends as task_serializer: a signing client signs its control requests.
    const serialization = { serializer: this.options.serializer, ...(this.options.signer === null ? {} : { signer: this.options.signer }) };
    await this.transport.publish(encodeControlRequest({ method, arguments: args, clock: this.tick() }, serialization));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.backend.close(), this.transport.close()]);
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }

  private async declareEventExchange(): Promise<void> {
    const type = this.transport.kind === "amqp" ? "topic" : "fanout";
    await this.declareExchangeOnce(EVENT_EXCHANGE, () => this.transport.declareExchange({ name: EVENT_EXCHANGE, type, durable: true, deliveryMode: 1 }));
  }

  /**
   * Writes `task-sent` right behind the task message, without waiting for the broker's confirm of that message (the
   * exchange is declared before either goes out), as kombu without `confirm_publish` does: a worker that acts on the
   * task at once (an expired one is revoked on receipt) must not get its own event to Flower or celery-exporter ahead
   * of `task-sent`, whose `name` and `queue` label every later event of the task.
   */
  private publishSentEvent(message: ReturnType<typeof createTaskMessage>, queue: string | null, exchange: string, routingKey: string): Promise<void> {
    return this.transport.publish(encodeTaskSentEvent(message, { queue, exchange, routingKey, clock: this.tick() }));
  }

  /** Celery logs its warning on every such call; a client emits it once per exchange. */
  private warnDirectExchange(exchange: string): void {
    if (this.warnedDirectExchanges.has(exchange)) return;
    this.warnedDirectExchanges.add(exchange);
    process.emitWarning(directExchangeWarning(exchange), { type: "CeleryProtoWarning" });
  }

  private async declareOnce(spec: QueueSpec): Promise<void> {
    if (this.declared.has(`q:${spec.name}`)) return;
    try {
      await this.transport.declareQueue(spec);
    } catch (e) {
      throw explainQueueRefusal(e, spec);
    }
    this.declared.add(`q:${spec.name}`);
  }

  private async declareExchangeOnce(name: string, declare: () => Promise<void>): Promise<void> {
    if (this.declared.has(`x:${name}`)) return;
    await declare();
    this.declared.add(`x:${name}`);
  }
}
