import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ExchangeSpec } from "../queue-spec.js";

/** The exchange types kombu's virtual transports implement (no `headers`). */
export type RedisExchangeType = "direct" | "topic" | "fanout";

/** One binding as kombu's `BrokerState` keeps it. */
export interface RedisBinding {
  readonly exchange: string;
  readonly routingKey: string;
}

/**
 * kombu's per-connection `BrokerState` (K:kombu/transport/virtual/base.py): declared exchanges and bindings live only
 * in process memory. An exchange never declared here is a `direct` exchange (`Channel.typeof`).
 */
export class BrokerState {
  private readonly exchanges = new Map<string, ExchangeSpec>();
  private readonly bindings = new Map<string, RedisBinding[]>();
  private readonly expires = new Map<string, number>();
  private readonly fanoutQueues = new Map<string, RedisBinding>();

  /** `exchange_declare`: records the exchange; a redeclaration with other settings fails as kombu's NotEquivalentError. */
  declareExchange(exchange: ExchangeSpec): void {
    if ((exchange.type as string) === "headers") {
      throw new CeleryProtoError(
        "InvalidOption",
        `exchange ${JSON.stringify(exchange.name)}: kombu's Redis transport has no headers exchanges (direct, topic, fanout)`,
      );
    }
    const prev = this.exchanges.get(exchange.name);
    if (prev === undefined) {
      this.exchanges.set(exchange.name, exchange);
      return;
    }
    const same =
      prev.type === exchange.type &&
      (prev.durable ?? true) === (exchange.durable ?? true) &&
      (prev.autoDelete ?? false) === (exchange.autoDelete ?? false) &&
      JSON.stringify(prev.arguments ?? {}) === JSON.stringify(exchange.arguments ?? {});
    if (!same) {
      throw new CeleryProtoError(
        "InvalidOption",
        `exchange ${JSON.stringify(exchange.name)} was already declared with other settings (kombu: NotEquivalentError)`,
      );
    }
  }

  typeOf(exchange: string): RedisExchangeType {
    return (this.exchanges.get(exchange)?.type as RedisExchangeType | undefined) ?? "direct";
  }

  exchange(name: string): ExchangeSpec | undefined {
    return this.exchanges.get(name);
  }

  /** `queue_bind` bookkeeping; false when this binding is already known (kombu then does nothing). */
  addBinding(queue: string, binding: RedisBinding): boolean {
    const list = this.bindings.get(queue) ?? [];
    if (list.some((b) => b.exchange === binding.exchange && b.routingKey === binding.routingKey)) return false;
    list.push(binding);
    this.bindings.set(queue, list);
    if (this.typeOf(binding.exchange) === "fanout") {
      this.fanoutQueues.set(queue, { exchange: binding.exchange, routingKey: binding.routingKey.replace(/#/g, "*") });
    }
    return true;
  }

  bindingsOf(queue: string): readonly RedisBinding[] {
    return this.bindings.get(queue) ?? [];
  }

  /** The fanout binding a queue is consumed through (PSUBSCRIBE instead of BRPOP), with `#` already turned into `*`. */
  fanoutBindingOf(queue: string): RedisBinding | undefined {
    return this.fanoutQueues.get(queue);
  }

  /** `_new_queue`: remembers `x-expires` (ms) or forgets a previous one. */
  setExpires(queue: string, ms: number | undefined): void {
    if (ms === undefined) this.expires.delete(queue);
    else this.expires.set(queue, ms);
  }

  expiresOf(queue: string): number | undefined {
    return this.expires.get(queue);
  }

  /** `queue_bindings_delete` (plus the fanout and expiry records). */
  deleteQueue(queue: string): void {
    this.bindings.delete(queue);
    this.fanoutQueues.delete(queue);
    this.expires.delete(queue);
  }
}
