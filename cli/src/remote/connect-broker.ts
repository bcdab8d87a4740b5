import { Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { brokerScheme, createTransport } from "../../../sdk/src/transport/create-transport.js";
import { createRedisTransport } from "../../../sdk/src/transport/redis/create-redis-transport.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import { parseTransportOptions } from "../parse-transport-options.js";

/** Celery's default broker when none is configured. */
export const DEFAULT_BROKER = "amqp://guest:guest@localhost:5672//";

/** `--broker` and `--broker-transport-options`, shared by the operator commands. */
export const BROKER_FLAGS = {
  broker: Flags.string({ char: "b", description: "broker URL (default: amqp://guest@localhost//)", env: "CELERY_BROKER_URL" }),
  "broker-transport-options": Flags.string({ description: 'Redis: kombu transport options as JSON, as the workers use them, e.g. {"global_keyprefix": "app:"}' }),
};

/** Connects to the broker the way the workers do (for Redis, with the same kombu transport options). */
export async function connectBroker(flags: { readonly broker?: string | undefined; readonly "broker-transport-options"?: string | undefined }): Promise<Transport> {
  const url = flags.broker ?? DEFAULT_BROKER;
  const text = flags["broker-transport-options"];
  if (text === undefined) return createTransport(url);
  const options = parseTransportOptions(text);
  if (!["redis", "rediss", "sentinel", "redis+socket", "socket", "unix"].includes(brokerScheme(url))) {
    throw new CeleryProtoError("InvalidOption", "--broker-transport-options: only a Redis broker URL takes kombu transport options");
  }
  return createRedisTransport(url, { transportOptions: options });
}
