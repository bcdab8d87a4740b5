import { Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { brokerFamily } from "../../../sdk/src/transport/broker-scheme.js";
import { createTransport } from "../../../sdk/src/transport/create-transport.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import { parseTransportOptions } from "../parse-transport-options.js";

/** Celery's default broker when none is configured. */
export const DEFAULT_BROKER = "amqp://guest:guest@localhost:5672//";

/** The flag that bounds every connection attempt, as connection errors name it. */
export const CONNECTION_TIMEOUT_FLAG_NAME = "--broker-connection-timeout";

/** `--broker-connection-timeout`, for every command that connects to a broker or a Redis result backend. */
export const CONNECTION_TIMEOUT_FLAG = {
  "broker-connection-timeout": Flags.string({
    description:
      "seconds a connection to the broker (or a Redis result backend, or beat's --lock) may take before the command fails (Celery's broker_connection_timeout) [default: 4]",
  }),
};

/** `--broker`, `--broker-transport-options` and `--broker-connection-timeout`, shared by the operator commands. */
export const BROKER_FLAGS = {
  broker: Flags.string({ char: "b", description: "broker URL (default: amqp://guest@localhost//)", env: "CELERY_BROKER_URL" }),
  "broker-transport-options": Flags.string({
    description: 'Redis: kombu transport options as JSON, as the workers use them, e.g. {"global_keyprefix": "app:"}',
  }),
  ...CONNECTION_TIMEOUT_FLAG,
};

/** The broker flags as commands read them. */
export interface BrokerFlagValues {
  readonly broker?: string | undefined;
  readonly "broker-transport-options"?: string | undefined;
  readonly "broker-connection-timeout"?: string | undefined;
}

/** `--broker-connection-timeout 1.5` → 1500 (ms); undefined when not given (the transports' default, 4 s, applies). */
export function parseConnectionTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CeleryProtoError("InvalidOption", `${CONNECTION_TIMEOUT_FLAG_NAME}: must be a positive number of seconds, got ${JSON.stringify(text)}`);
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * Connects to the broker the way the workers do (for Redis, with the same kombu transport options); fails within
 * `--broker-connection-timeout` with a message naming the server and the flag.
 */
export async function connectBroker(flags: BrokerFlagValues): Promise<Transport> {
  const url = flags.broker ?? DEFAULT_BROKER;
  const text = flags["broker-transport-options"];
  const connectTimeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
  const transportOptions = text === undefined ? undefined : parseTransportOptions(text);
  if (transportOptions !== undefined && brokerFamily(url) !== "redis") {
    throw new CeleryProtoError("InvalidOption", "--broker-transport-options: only a Redis broker URL takes kombu transport options");
  }
  return createTransport(url, {
    ...(transportOptions === undefined ? {} : { transportOptions }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    settingNames: { connectTimeout: CONNECTION_TIMEOUT_FLAG_NAME },
  });
}
