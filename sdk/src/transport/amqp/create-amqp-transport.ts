import { AmqpTransport } from "./amqp-transport.js";
import { compileAmqpTransportOptions, type AmqpTransportOptions } from "./amqp-transport-options.js";

/**
 * Connects to RabbitMQ (or any AMQP 0-9-1 broker) and returns a transport that declares, publishes and consumes
 * exactly as kombu/py-amqp do, so Python Celery shares the queues. Resolves once connected; rejects with
 * `InvalidOption` for a bad option (naming it) or `TransportClosed` when no alternate of the URL accepts a
 * connection within `initialConnectAttempts` attempts.
 *
 * ```ts
 * const transport = await createAmqpTransport({ url: "amqp://guest:guest@localhost:5672//" });
 * await transport.declareQueue({ name: "celery" });
 * await transport.publish(encodeAmqpPublish(message, { routingKey: "celery" }));
 * ```
 */
export async function createAmqpTransport(options: AmqpTransportOptions): Promise<AmqpTransport> {
  const transport = new AmqpTransport(compileAmqpTransportOptions(options));
  await transport.start();
  return transport;
}
