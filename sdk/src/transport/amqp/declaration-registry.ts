import type { ExchangeBindDeclaration, QueueBindDeclaration } from "./bind-amqp-entities.js";
import type { ExchangeDeclaration, QueueDeclaration } from "./declare-amqp-entities.js";

export type Declaration =
  | { readonly kind: "exchange"; readonly declaration: ExchangeDeclaration }
  | { readonly kind: "queue"; readonly declaration: QueueDeclaration }
  | { readonly kind: "queue-binding"; readonly declaration: QueueBindDeclaration }
  | { readonly kind: "exchange-binding"; readonly declaration: ExchangeBindDeclaration };

/**
 * What the transport has declared: the latest declaration per exchange and queue name, and every binding made with
 * `bindQueue`/`bindExchange`, in first-declared order (for re-declaring everything after a reconnect: a binding comes
 * after the entities it joins), and which exact declarations were already sent on the current connection (kombu's
 * `maybe_declare` cache, which kombu also clears when the connection changes).
 */
export class DeclarationRegistry {
  private readonly entries = new Map<string, Declaration>();
  private readonly sent = new Set<string>();
  private readonly deliveryModes = new Map<string, 1 | 2>();

  /** True when this exact declaration was already sent on the current connection. */
  isDeclared(entry: Declaration): boolean {
    return this.sent.has(fingerprint(entry));
  }

  /** Records a declaration the broker accepted on the current connection. */
  markDeclared(entry: Declaration): void {
    this.entries.set(keyOf(entry), entry);
    this.sent.add(fingerprint(entry));
    if (entry.kind === "queue" && !entry.declaration.noDeclare) {
      if (entry.declaration.exchange !== null) this.sent.add(fingerprint({ kind: "exchange", declaration: entry.declaration.exchange }));
      for (const binding of entry.declaration.bindings) this.sent.add(fingerprint({ kind: "exchange", declaration: binding.exchange }));
    }
  }

  /** Forgets a deleted queue (and its bindings, which RabbitMQ deleted with it) so it is not re-declared after a reconnect. */
  forgetQueue(name: string): void {
    for (const [key, entry] of this.entries) {
      if ((entry.kind === "queue" && entry.declaration.name === name) || (entry.kind === "queue-binding" && entry.declaration.queue === name)) {
        this.sent.delete(fingerprint(entry));
        this.entries.delete(key);
      }
    }
  }

  /**
   * Forgets a deleted exchange, the queues bound to it by their declaration (which would re-create it) and the
   * bindings from or to it (which RabbitMQ deleted with it).
   */
  forgetExchange(name: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.kind === "queue-binding" || entry.kind === "exchange-binding") {
        const joined = entry.kind === "queue-binding" ? [entry.declaration.exchange] : [entry.declaration.source, entry.declaration.destination];
        if (joined.includes(name)) {
          this.sent.delete(fingerprint(entry));
          this.entries.delete(key);
        }
        continue;
      }
      const exchange = entry.kind === "exchange" ? entry.declaration : entry.declaration.exchange;
      if (exchange !== null && exchange.name === name) {
        this.sent.delete(fingerprint(entry));
        this.sent.delete(fingerprint({ kind: "exchange", declaration: exchange }));
        this.entries.delete(key);
      }
    }
  }

  /** A new connection: nothing is declared on it yet. */
  resetConnection(): void {
    this.sent.clear();
  }

  /** Every remembered declaration, in first-declared order. */
  all(): Declaration[] {
    return [...this.entries.values()];
  }

  findQueue(name: string): QueueDeclaration | undefined {
    const entry = this.entries.get(`queue:${name}`);
    return entry?.kind === "queue" ? entry.declaration : undefined;
  }

  /** kombu applies an exchange's `delivery_mode` to messages published through it that have none. */
  setExchangeDeliveryMode(exchange: string, mode: 1 | 2 | undefined): void {
    if (mode === undefined) this.deliveryModes.delete(exchange);
    else this.deliveryModes.set(exchange, mode);
  }

  exchangeDeliveryMode(exchange: string): 1 | 2 | undefined {
    return this.deliveryModes.get(exchange);
  }
}

/** One entry per exchange or queue name (the latest declaration wins), one per distinct binding. */
function keyOf(entry: Declaration): string {
  switch (entry.kind) {
    case "exchange":
    case "queue":
      return `${entry.kind}:${entry.declaration.name}`;
    case "queue-binding":
    case "exchange-binding":
      return fingerprint(entry);
  }
}

/** A declaration as messages name it: the AMQP method and its arguments (`queue.declare "q"`, `queue.bind "x" -> queue "q" ("k")`). */
export function describeDeclaration(entry: Declaration): string {
  switch (entry.kind) {
    case "exchange":
    case "queue":
      return `${entry.kind}.declare ${JSON.stringify(entry.declaration.name)}`;
    case "queue-binding":
      return `queue.bind ${JSON.stringify(entry.declaration.exchange)} -> queue ${JSON.stringify(entry.declaration.queue)} (${JSON.stringify(entry.declaration.routingKey)})`;
    case "exchange-binding":
      return `exchange.bind ${JSON.stringify(entry.declaration.source)} -> exchange ${JSON.stringify(entry.declaration.destination)} (${JSON.stringify(entry.declaration.routingKey)})`;
  }
}

function fingerprint(entry: Declaration): string {
  return `${entry.kind}:${JSON.stringify(entry.declaration, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`;
}
