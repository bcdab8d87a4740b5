/**
 * One `queue.bind`, as kombu's `Queue.bind_to(exchange, routing_key, arguments)` sends it: the queue receives what the
 * exchange routes with the key. Both must exist.
 */
export interface QueueBindSpec {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  /** Binding arguments (headers exchanges). Default none. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/**
 * One `exchange.bind` (RabbitMQ's exchange-to-exchange binding), as kombu's `Exchange.bind_to(source, routing_key)`
 * sends it: `destination` receives what `source` routes with the key. Both must exist.
 */
export interface ExchangeBindSpec {
  readonly destination: string;
  readonly source: string;
  readonly routingKey: string;
  /** Binding arguments (headers exchanges). Default none. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}
