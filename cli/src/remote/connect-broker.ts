import { Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { brokerFamily } from "../../../sdk/src/transport/broker-scheme.js";
import { createTransport } from "../../../sdk/src/transport/create-transport.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";
import type { ResolvedCelerySettings } from "../../../sdk/src/config/resolve-celery-settings.js";
import type { KombuRedisOptions } from "../../../sdk/src/transport/redis/kombu-redis-options.js";
import { configFlag, loadCommandConfig } from "../config-flags.js";
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

/** `--config`, `--broker`, `--broker-transport-options` and `--broker-connection-timeout`, shared by the operator commands. */
export const BROKER_FLAGS = {
  config: configFlag,
  broker: Flags.string({
    char: "b",
    description: "broker URL (default: $CELERY_BROKER_URL, else the configuration's broker_url, else amqp://guest@localhost//)",
  }),
  "broker-transport-options": Flags.string({
    description: 'Redis: kombu transport options as JSON, as the workers use them, e.g. {"global_keyprefix": "app:"}',
  }),
  ...CONNECTION_TIMEOUT_FLAG,
};

/** The broker flags as commands read them. */
export interface BrokerFlagValues {
  /** `--config`: the Celery configuration (default `CELERY_PROTO_CONFIG`). */
  readonly config?: string | undefined;
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
 * The command's configuration: `--config` (else `CELERY_PROTO_CONFIG`) under the broker flags (`--broker`,
 * `--broker-transport-options`, `--broker-connection-timeout`) and `extra` settings from other flags, with
 * `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` between them. Warnings go to stderr once.
 */
export async function loadBrokerFlagsConfig(flags: BrokerFlagValues, extra: Readonly<Record<string, unknown>> = {}): Promise<LoadedCeleryConfig> {
  const text = flags["broker-transport-options"];
  const timeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
  return loadCommandConfig(flags.config, {
    broker_url: flags.broker,
    broker_transport_options: text === undefined ? undefined : parseTransportOptions(text),
    broker_connection_timeout: timeoutMs === undefined ? undefined : timeoutMs / 1000,
    ...extra,
  });
}

/**
 * Connects to the broker the way the workers do (for Redis, with the same kombu transport options); fails within
 * `--broker-connection-timeout` (the configuration's `broker_connection_timeout`, else 4 s) with a message naming the
 * server and the flag. The broker is `--broker`, else `CELERY_BROKER_URL`, else the configuration's `broker_url`.
 */
export async function connectBroker(flags: BrokerFlagValues, loaded?: LoadedCeleryConfig): Promise<Transport> {
  const config = loaded ?? (await loadBrokerFlagsConfig(flags));
  const s = config.settings;
  const url = s.broker_url ?? DEFAULT_BROKER;
  const transportOptions = s.broker_transport_options as KombuRedisOptions;
  const hasTransportOptions = Object.keys(transportOptions).length > 0;
  if (flags["broker-transport-options"] !== undefined && brokerFamily(url) !== "redis") {
    throw new CeleryProtoError("InvalidOption", "--broker-transport-options: only a Redis broker URL takes kombu transport options");
  }
  const connectTimeoutMs = configuredConnectTimeoutMs(config);
  return createTransport(url, {
    ...(hasTransportOptions && brokerFamily(url) === "redis" ? { transportOptions } : {}),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    brokerUseSsl: s.broker_use_ssl,
    settingNames: {
      brokerUseSsl: "broker_use_ssl",
      connectTimeout:
        flags["broker-connection-timeout"] === undefined && connectTimeoutMs !== undefined ? "broker_connection_timeout" : CONNECTION_TIMEOUT_FLAG_NAME,
    },
  });
}

/** `broker_connection_timeout` in ms when the configuration (or `--broker-connection-timeout`) set it, else undefined (the transports' 4 s). */
export function configuredConnectTimeoutMs(config: ResolvedCelerySettings): number | undefined {
  if (!config.configured.includes("broker_connection_timeout")) return undefined;
  return Math.max(1, Math.round(config.settings.broker_connection_timeout * 1000));
}
