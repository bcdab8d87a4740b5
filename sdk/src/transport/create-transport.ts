import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { createAmqpTransport } from "./amqp/create-amqp-transport.js";
import { MemoryTransport } from "./memory/memory-transport.js";
import { createRedisTransport } from "./redis/create-redis-transport.js";
import type { Transport } from "./transport.js";

const AMQP_SCHEMES = new Set(["amqp", "amqps", "pyamqp", "librabbitmq"]);
const REDIS_SCHEMES = new Set(["redis", "rediss", "sentinel", "redis+socket", "socket", "unix"]);

/** The broker scheme of a URL (for failover lists, of the first entry). */
export function brokerScheme(url: string): string {
  const first = url.split(";")[0]!.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(first);
  return match === null ? "" : match[1]!.toLowerCase();
}

/** Connects a transport for a broker URL as Celery users write them (`amqp://`, `redis://`, `sentinel://`, `memory://`). */
export async function createTransport(url: string): Promise<Transport> {
  const scheme = brokerScheme(url);
  if (AMQP_SCHEMES.has(scheme)) return createAmqpTransport({ url });
  if (REDIS_SCHEMES.has(scheme)) return createRedisTransport(url);
  if (scheme === "memory") return new MemoryTransport();
  throw new CeleryProtoError("InvalidOption", `broker: unsupported URL scheme ${JSON.stringify(scheme)} in ${JSON.stringify(url)}; use amqp://, amqps://, redis://, rediss://, sentinel:// or memory://`);
}
