// A stand-in AMQP transport for the DelayedDelivery and QoS suites: the in-memory broker for messages, with every
// declaration, binding and consume call recorded in order, a settable server QoS semantics, and injectable failures.
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import type { ExchangeBindSpec, QueueBindSpec } from "../../sdk/src/transport/binding-spec.js";
import type { ExchangeSpec, QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import type { ConsumeOptions, Consumer, Delivery, OutgoingMessage, Transport } from "../../sdk/src/transport/transport.js";

export type RecordedCall =
  | { readonly op: "exchange"; readonly name: string; readonly type: string }
  | { readonly op: "queue"; readonly spec: QueueSpec }
  | { readonly op: "queue-binding"; readonly queue: string; readonly exchange: string; readonly routingKey: string }
  | { readonly op: "exchange-binding"; readonly destination: string; readonly source: string; readonly routingKey: string }
  | { readonly op: "consume"; readonly queues: readonly string[]; readonly options: ConsumeOptions }
  | { readonly op: "setPrefetch"; readonly prefetch: number };

export class RecordingAmqpTransport implements Transport {
  readonly kind = "amqp" as const;
  readonly calls: RecordedCall[] = [];
  /** Thrown by the next declaration or binding calls, one each. */
  readonly failures: Error[] = [];
  qosSemanticsMatchesSpec: boolean | undefined;
  private readonly memory = new MemoryTransport();

  constructor(options: { qosSemanticsMatchesSpec?: boolean } = {}) {
    this.qosSemanticsMatchesSpec = options.qosSemanticsMatchesSpec;
  }

  /** The recorded calls of one kind. */
  of<K extends RecordedCall["op"]>(op: K): Extract<RecordedCall, { op: K }>[] {
    return this.calls.filter((c): c is Extract<RecordedCall, { op: K }> => c.op === op);
  }

  async declareExchange(exchange: ExchangeSpec): Promise<void> {
    this.fail();
    this.calls.push({ op: "exchange", name: exchange.name, type: exchange.type });
    await this.memory.declareExchange(exchange);
  }

  async declareQueue(queue: QueueSpec): Promise<void> {
    this.fail();
    this.calls.push({ op: "queue", spec: queue });
    await this.memory.declareQueue(queue);
  }

  async declareQueueBinding(b: QueueBindSpec): Promise<void> {
    this.fail();
    this.calls.push({ op: "queue-binding", queue: b.queue, exchange: b.exchange, routingKey: b.routingKey });
  }

  async declareExchangeBinding(b: ExchangeBindSpec): Promise<void> {
    this.fail();
    this.calls.push({ op: "exchange-binding", destination: b.destination, source: b.source, routingKey: b.routingKey });
  }

  publish(message: OutgoingMessage): Promise<void> {
    return this.memory.publish(message);
  }

  async consume(queues: readonly string[], onDelivery: (delivery: Delivery) => void, options: ConsumeOptions): Promise<Consumer> {
    this.calls.push({ op: "consume", queues: [...queues], options: { ...options } });
    const consumer = await this.memory.consume(queues, onDelivery, options);
    return {
      cancel: () => consumer.cancel(),
      setPrefetch: async (prefetch: number) => {
        this.calls.push({ op: "setPrefetch", prefetch });
        await consumer.setPrefetch?.(prefetch);
      },
    };
  }

  purge(queue: string): Promise<number> {
    return this.memory.purge(queue);
  }

  deleteQueue(queue: string): Promise<void> {
    return this.memory.deleteQueue(queue);
  }

  close(): Promise<void> {
    return this.memory.close();
  }

  private fail(): void {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
  }
}
