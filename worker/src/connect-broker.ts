import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import type { KombuRedisOptions } from "../../sdk/src/transport/redis/kombu-redis-options.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { Transport, TransportEvent } from "../../sdk/src/transport/transport.js";
import { brokerFamily, maskBrokerUrl } from "./describe-broker.js";
import type { WorkerLogger } from "./logging/worker-logger.js";

/**
 * Connects the worker's broker for a URL, with the transport's lifecycle reported in Celery's words (`Connected to
 * ...`, `Connection to broker lost. Trying to re-establish the connection...`). Redis gets the kombu transport options.
 * `onRequeuedByBroker` is told when a lost AMQP connection made the broker requeue every unacknowledged delivery.
 */
export async function connectBroker(url: string, transportOptions: KombuRedisOptions, logger: WorkerLogger, onRequeuedByBroker: () => void): Promise<Transport> {
  const display = maskBrokerUrl(url);
  const family = brokerFamily(url);
  const onEvent = (event: TransportEvent): void => {
    switch (event.type) {
      case "connected":
        logger.info(`Connected to ${display}`);
        return;
      case "disconnected":
        logger.warning(`consumer: Connection to broker lost. Trying to re-establish the connection...${event.error === null ? "" : ` (${event.error.message})`}`);
        // RabbitMQ requeues what the connection had unacknowledged; Redis keeps it in `unacked` (acks still work).
        if (family === "amqp") onRequeuedByBroker();
        return;
      case "reconnecting":
        logger.error(`consumer: Cannot connect to ${display}: Trying again in ${(event.delayMs / 1000).toFixed(2)} seconds... (${event.attempt})`);
        return;
      case "error":
        logger.warning(`consumer: ${CeleryProtoError.is(event.error) ? event.error.describe() : event.error.message}`);
        return;
    }
  };
  let transport: Transport;
  if (family === "amqp") transport = await createAmqpTransport({ url, onEvent });
  else if (family === "redis") transport = await createRedisTransport(url, { transportOptions, onEvent });
  else transport = await createTransport(url);
  if (transport.kind === "memory") logger.info(`Connected to ${display}`);
  return transport;
}
