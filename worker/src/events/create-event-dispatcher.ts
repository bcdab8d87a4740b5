import type { AmqpPublish } from "../../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { ExchangeSpec } from "../../../sdk/src/transport/queue-spec.js";
import { LamportClock } from "../app/lamport-clock.js";
import { buildEvent, eventGroup, eventRoutingKey } from "./build-event.js";
import { encodeEventPublish } from "./encode-event-publish.js";
import type { EventDispatcher } from "./event-dispatcher.js";
import { DEFAULT_EVENT_DISPATCHER_OPTIONS, type EventDispatcherOptions } from "./event-dispatcher-options.js";
import { eventExchange } from "./event-exchange.js";
import { eventUtcOffset } from "./event-utc-offset.js";
import { STDERR_LOG_SINK, type LogSink } from "./log-sink.js";

/** The dispatcher `createEventDispatcher` returns: the `EventDispatcher` contract plus what it was built with. */
export interface BrokerEventDispatcher extends EventDispatcher {
  readonly hostname: string;
  readonly clock: LamportClock;
  /** The exchange as declared (topic on AMQP, fanout on Redis). */
  readonly exchange: ExchangeSpec;
  flush(): Promise<void>;
}

/**
 * Celery's `EventDispatcher` for a worker (C:celery/events/dispatcher.py): every event gets `hostname, utcoffset,
 * pid, clock` (the clock forwarded once per event) and `timestamp, type`, and is published to `celeryev` with
 * routing key `<type with - as .>`, headers `{hostname}`, delivery mode 1. Without task events (`enabled: false`)
 * only `worker-*` events go out. `task-*` events are batched into `task.multi` lists per event-loop turn unless
 * `bufferTaskEvents: false`. `send` never throws: failed publishes are logged and dropped.
 */
export function createEventDispatcher(options: EventDispatcherOptions): BrokerEventDispatcher {
  if (typeof options.hostname !== "string" || options.hostname === "") {
    throw new CeleryProtoError("InvalidOption", "hostname: the event dispatcher needs the worker's node name (e.g. celery@host)");
  }
  const bufferLimit = options.bufferLimit ?? DEFAULT_EVENT_DISPATCHER_OPTIONS.bufferLimit;
  if (!Number.isInteger(bufferLimit) || bufferLimit < 1) {
    throw new CeleryProtoError("InvalidOption", `bufferLimit: must be an integer >= 1, not ${String(bufferLimit)}`);
  }
  return new Dispatcher(options, bufferLimit);
}

class Dispatcher implements BrokerEventDispatcher {
  readonly hostname: string;
  readonly clock: LamportClock;
  readonly exchange: ExchangeSpec;
  private taskEvents: boolean;
  private readonly workerEvents: boolean;
  private readonly buffered: boolean;
  private readonly pid: number;
  private readonly log: LogSink;
  private readonly buffer: Record<string, unknown>[] = [];
  private flushTimer: NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private declared: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly options: EventDispatcherOptions,
    private readonly bufferLimit: number,
  ) {
    const d = DEFAULT_EVENT_DISPATCHER_OPTIONS;
    this.hostname = options.hostname;
    this.clock = options.clock ?? new LamportClock();
    this.exchange = eventExchange(options.transport.kind, options.exchange ?? d.exchange);
    this.taskEvents = options.enabled ?? d.enabled;
    this.workerEvents = options.workerEvents ?? d.workerEvents;
    this.buffered = options.bufferTaskEvents ?? d.bufferTaskEvents;
    this.pid = options.pid ?? process.pid;
    this.log = options.log ?? STDERR_LOG_SINK;
  }

  get enabled(): boolean {
    return this.taskEvents;
  }

  setEnabled(enabled: boolean): void {
    this.taskEvents = enabled;
  }

  send(type: string, fields: Readonly<Record<string, unknown>>): void {
    if (this.closed) return;
    const group = eventGroup(type);
    if (!this.taskEvents && !(group === "worker" && this.workerEvents)) return;
    let event: Record<string, unknown>;
    try {
      event = buildEvent(type, fields, { hostname: this.hostname, utcoffset: eventUtcOffset(), pid: this.pid, clock: this.clock.forward() });
    } catch (e) {
      this.log.error(`could not build event ${type}`, e);
      return;
    }
    if (this.buffered && group === "task") {
      this.buffer.push(event);
      if (this.buffer.length >= this.bufferLimit) this.flushBuffer();
      else this.flushTimer ??= setImmediate(() => this.flushBuffer());
      return;
    }
    // Buffered task events were sent (and clocked) first: keep the broker order equal to the clock order.
    this.flushBuffer();
    this.publish(event, eventRoutingKey(type));
  }

  async flush(): Promise<void> {
    this.flushBuffer();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private flushBuffer(): void {
    if (this.flushTimer !== null) {
      clearImmediate(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.buffer.length);
    this.publish(batch, "task.multi");
  }

  private publish(body: Record<string, unknown> | Record<string, unknown>[], routingKey: string): void {
    let message: AmqpPublish;
    try {
      message = encodeEventPublish(body, { exchange: this.exchange.name, routingKey, hostname: this.hostname, serializer: this.options.serializer });
    } catch (e) {
      this.log.error(`could not encode event ${routingKey}`, e);
      return;
    }
    const transport = this.options.transport;
    const sent: Promise<void> = this.declare()
      .then(() => transport.publish(message))
      .catch((e: unknown) => this.log.warning(`event ${routingKey} not sent`, e))
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  /** Declares the exchange once (kombu's `maybe_declare`); a failed declaration is retried on the next publish. */
  private declare(): Promise<void> {
    if (this.declared === null) {
      const declaring = this.options.transport.declareExchange(this.exchange);
      this.declared = declaring;
      declaring.catch(() => {
        if (this.declared === declaring) this.declared = null;
      });
    }
    return this.declared;
  }
}
