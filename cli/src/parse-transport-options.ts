import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { KombuRedisOptions } from "../../sdk/src/transport/redis/kombu-redis-options.js";

/** Reads `--broker-transport-options`: a JSON object of kombu Redis transport options. */
export function parseTransportOptions(text: string): KombuRedisOptions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `--broker-transport-options: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CeleryProtoError("InvalidOption", "--broker-transport-options: must be a JSON object");
  return value as KombuRedisOptions;
}
