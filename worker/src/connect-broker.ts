import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import { brokerFamily } from "../../sdk/src/transport/broker-scheme.js";
import { maskBrokerUrl } from "../../sdk/src/transport/mask-broker-url.js";
import type { Transport, TransportEvent } from "../../sdk/src/transport/transport.js";
import type { WorkerLogger } from "./logging/worker-logger.js";
import type { CompiledWorkerOptions } from "./worker-options.js";

/**
 * Connects the worker's broker for a URL, retrying at start-up as Celery's consumer does
 * (`broker_connection_retry_on_startup`, `broker_connection_max_retries`), with the transport's lifecycle reported in
 * Celery's words (`Cannot connect to ...: Trying again in 2.00 seconds... (1/100)`, `Connected to ...`,
 * `Connection to broker lost. Trying to re-establish the connection...`). Aborting `signal` (the worker was asked to
 * stop) ends the retries at once. `hooks.onRequeuedByBroker` is told when a lost AMQP connection made the broker
 * requeue every unacknowledged delivery; `hooks.onLost` / `onRestored` when the connection drops and comes back.
 */
export async function connectBroker(
  url: string,
  o: CompiledWorkerOptions,
  logger: WorkerLogger,
  signal: AbortSignal,
  hooks: BrokerConnectionHooks,
): Promise<Transport> {
  const display = maskBrokerUrl(url);
  const family = brokerFamily(url);
  let lost = false;
  const onEvent = (event: TransportEvent): void => {
    switch (event.type) {
      case "connected":
        logger.info(`Connected to ${display}`);
        if (lost) {
          lost = false;
          hooks.onRestored();
        }
        return;
      case "connect-retry": {
        const max = event.maxRetries === Infinity ? "None" : String(event.maxRetries);
        logger.error(
          `consumer: Cannot connect to ${display}: ${reasonOf(event.error, display)}.\n${`Trying again ${humanizeSeconds(event.delayMs / 1000)}... (${event.retry}/${max})`}\n`,
        );
        return;
      }
      case "disconnected":
        logger.warning(
          `consumer: Connection to broker lost. Trying to re-establish the connection...${event.error === null ? "" : ` (${event.error.message})`}`,
        );
        // RabbitMQ requeues what the connection had unacknowledged; Redis keeps it in `unacked` (acks still work).
        if (family === "amqp") hooks.onRequeuedByBroker();
        if (!lost) {
          lost = true;
          hooks.onLost(event.error);
        }
        return;
      case "reconnecting":
        logger.error(`consumer: Cannot connect to ${display}: Trying again in ${(event.delayMs / 1000).toFixed(2)} seconds... (${event.attempt})`);
        return;
      case "restored":
        logger.info(`Restored ${event.restored} unacknowledged message(s) older than the visibility timeout`);
        return;
      case "error":
        logger.warning(`consumer: ${CeleryProtoError.is(event.error) ? event.error.describe() : event.error.message}`);
        return;
    }
  };
  let transport: Transport;
  try {
    transport = await createTransport(url, {
      ...(family === "redis" ? { transportOptions: o.brokerTransportOptions } : {}),
      ...(o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs }),
      brokerUseSsl: o.brokerUseSsl,
      retry: o.brokerConnectionRetryOnStartup ? { maxRetries: o.brokerConnectionMaxRetries } : false,
      onEvent,
      signal,
      settingNames: o.connectSettingNames,
    });
  } catch (e) {
    const error = CeleryProtoError.from(e, "TransportClosed");
    if (o.brokerConnectionRetryOnStartup || signal.aborted || (error.code !== "TransportClosed" && error.code !== "Timeout")) throw error;
    throw new CeleryProtoError(error.code, `${error.message} (retrying at start-up is disabled: broker_connection_retry_on_startup is false)`, {
      cause: error,
    });
  }
  if (transport.kind === "memory") logger.info(`Connected to ${display}`);
  return transport;
}

/** What the worker is told about its broker connection after it was first established. */
export interface BrokerConnectionHooks {
  readonly onRequeuedByBroker: () => void;
  readonly onLost: (error: Error | null) => void;
  readonly onRestored: () => void;
}

/** The error without the `cannot connect to <url>: ` the log line already says. */
function reasonOf(error: Error, display: string): string {
  const prefix = `cannot connect to ${display}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Celery's `humanize_seconds(s, "in", " ")` for the retry delays (under a minute): `in 2.00 seconds`, `now`. */
function humanizeSeconds(seconds: number): string {
  if (seconds >= 60) return `in ${(seconds / 60).toFixed(2)} minute${seconds === 60 ? "" : "s"}`;
  if (seconds < 1) return "now";
  return `in ${seconds.toFixed(2)} second${seconds === 1 ? "" : "s"}`;
}
