import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";
import { queueExchange, type ExchangeSpec, type QueueSpec } from "../queue-spec.js";
import type { ConsumeOptions, Consumer, Delivery, OutgoingMessage, Transport } from "../transport.js";
import { topicMatches } from "./topic-matches.js";

interface StoredMessage {
  readonly parts: RawTaskParts;
  readonly priority: number;
}

interface MemoryQueue {
  readonly spec: QueueSpec;
  readonly messages: StoredMessage[];
}

interface Binding {
  readonly queue: string;
  readonly routingKey: string;
}

interface ActiveConsumer {
  readonly queues: readonly string[];
  readonly onDelivery: (delivery: Delivery) => void;
  readonly options: ConsumeOptions;
  prefetch: number;
  unsettled: number;
  cancelled: boolean;
}

/**
 * An in-process broker with AMQP semantics (default exchange, direct/topic/fanout exchanges, priorities on queues
 * declared with `maxPriority`, prefetch, ack/reject/requeue). For unit tests and the zero-setup demo only: it proves
 * nothing about compatibility with Celery.
 */
export class MemoryTransport implements Transport {
  readonly kind = "memory" as const;
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly exchanges = new Map<string, ExchangeSpec>();
  private readonly bindings = new Map<string, Binding[]>();
  private readonly consumers = new Set<ActiveConsumer>();
  private closed = false;
  private scheduled = false;

  async declareExchange(exchange: ExchangeSpec): Promise<void> {
    this.assertOpen();
    if (!this.exchanges.has(exchange.name)) this.exchanges.set(exchange.name, exchange);
  }

  async declareQueue(spec: QueueSpec): Promise<void> {
    this.assertOpen();
    if (!this.queues.has(spec.name)) this.queues.set(spec.name, { spec, messages: [] });
    const exchange = queueExchange(spec);
    const bindings: { readonly exchange: ExchangeSpec; readonly routingKey: string }[] = [];
    if (exchange !== null) bindings.push({ exchange, routingKey: spec.routingKey ?? spec.name });
    for (const b of spec.bindings ?? []) bindings.push({ exchange: b.exchange, routingKey: b.routingKey ?? "" });
    for (const { exchange: ex, routingKey } of bindings) {
      await this.declareExchange(ex);
      const list = this.bindings.get(ex.name) ?? [];
      if (!list.some((b) => b.queue === spec.name && b.routingKey === routingKey)) list.push({ queue: spec.name, routingKey });
      this.bindings.set(ex.name, list);
    }
  }

  async publish(message: OutgoingMessage): Promise<void> {
    this.assertOpen();
    const { headers, ...properties } = message.properties;
    const priority = message.properties.priority ?? 0;
    for (const queue of this.route(message.exchange, message.routingKey)) {
      const target = this.queues.get(queue);
      if (target === undefined) continue;
      const parts: RawTaskParts = {
        headers: headers ?? {},
        properties,
        body: message.body,
        deliveryInfo: { exchange: message.exchange, routingKey: message.routingKey, priority, redelivered: false },
        deliveryTag: null,
      };
      insertByPriority(target, { parts, priority });
    }
    this.schedule();
  }

  async consume(queues: readonly string[], onDelivery: (delivery: Delivery) => void, options: ConsumeOptions): Promise<Consumer> {
    this.assertOpen();
    for (const q of queues) {
      if (!this.queues.has(q)) throw new CeleryProtoError("InvalidOption", `queue ${JSON.stringify(q)} is not declared`);
    }
    const consumer: ActiveConsumer = { queues, onDelivery, options, prefetch: options.prefetch, unsettled: 0, cancelled: false };
    this.consumers.add(consumer);
    this.schedule();
    return {
      cancel: async () => {
        consumer.cancelled = true;
        this.consumers.delete(consumer);
      },
      setPrefetch: async (prefetch: number) => {
        consumer.prefetch = prefetch;
        this.schedule();
      },
    };
  }

  async purge(queue: string): Promise<number> {
    const q = this.queues.get(queue);
    if (q === undefined) return 0;
    const count = q.messages.length;
    q.messages.length = 0;
    return count;
  }

  async deleteQueue(queue: string): Promise<void> {
    this.queues.delete(queue);
    for (const [name, list] of this.bindings)
      this.bindings.set(
        name,
        list.filter((b) => b.queue !== queue),
      );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.consumers.clear();
  }

  /** Messages waiting in a queue (for tests). */
  size(queue: string): number {
    return this.queues.get(queue)?.messages.length ?? 0;
  }

  private route(exchange: string, routingKey: string): string[] {
    if (exchange === "") return [routingKey];
    const spec = this.exchanges.get(exchange);
    if (spec === undefined) throw new CeleryProtoError("InvalidOption", `exchange ${JSON.stringify(exchange)} is not declared`);
    const bindings = this.bindings.get(exchange) ?? [];
    switch (spec.type) {
      case "fanout":
        return bindings.map((b) => b.queue);
      case "topic":
        return bindings.filter((b) => topicMatches(b.routingKey, routingKey)).map((b) => b.queue);
      default:
        return bindings.filter((b) => b.routingKey === routingKey).map((b) => b.queue);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const consumer of this.consumers) {
      for (;;) {
        if (consumer.cancelled || this.closed) break;
        const limit = consumer.prefetch;
        if (!consumer.options.noAck && limit > 0 && consumer.unsettled >= limit) break;
        const next = this.take(consumer.queues);
        if (next === undefined) break;
        this.deliver(consumer, next.queue, next.message);
      }
    }
  }

  private take(queues: readonly string[]): { queue: string; message: StoredMessage } | undefined {
    for (const name of queues) {
      const q = this.queues.get(name);
      const message = q?.messages.shift();
      if (message !== undefined) return { queue: name, message };
    }
    return undefined;
  }

  private deliver(consumer: ActiveConsumer, queue: string, message: StoredMessage): void {
    let settled = consumer.options.noAck === true;
    if (!settled) consumer.unsettled++;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      consumer.unsettled--;
      this.schedule();
      return true;
    };
    const delivery: Delivery = {
      message: message.parts,
      queue,
      ack: async () => void settle(),
      reject: async (requeue: boolean) => {
        if (!settle() || !requeue) return;
        const q = this.queues.get(queue);
        const info = message.parts.deliveryInfo;
        const redelivered: StoredMessage = {
          priority: message.priority,
          parts: { ...message.parts, deliveryInfo: info === null ? null : { ...info, redelivered: true } },
        };
        q?.messages.unshift(redelivered);
        this.schedule();
      },
    };
    consumer.onDelivery(delivery);
  }

  private assertOpen(): void {
    if (this.closed) throw new CeleryProtoError("TransportClosed", "the memory transport is closed");
  }
}

function insertByPriority(queue: MemoryQueue, message: StoredMessage): void {
  if (queue.spec.maxPriority === undefined) {
    queue.messages.push(message);
    return;
  }
  // RabbitMQ priority queues deliver higher priorities first, FIFO within a priority.
  const priority = Math.min(message.priority, queue.spec.maxPriority);
  const index = queue.messages.findIndex((m) => Math.min(m.priority, queue.spec.maxPriority!) < priority);
  if (index === -1) queue.messages.push(message);
  else queue.messages.splice(index, 0, message);
}
