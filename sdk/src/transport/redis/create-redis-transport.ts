import { RedisTransport } from "./redis-transport.js";
import type { RedisTransportOptions } from "./redis-transport-options.js";

/**
 * Opens a kombu-compatible Redis transport for a Celery broker URL (`redis://`, `rediss://`, `redis+socket://`,
 * `sentinel://`, `;`-separated failover lists) and resolves once the command connection is ready. Options are compiled
 * once; invalid ones reject with `InvalidOption` naming the option.
 */
export function createRedisTransport(url: string, options: RedisTransportOptions = {}): Promise<RedisTransport> {
  return RedisTransport.open(url, options);
}
