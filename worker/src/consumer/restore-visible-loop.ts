import type { KombuRedisOptions } from "../../../sdk/src/transport/redis/kombu-redis-options.js";
import { RedisTransport } from "../../../sdk/src/transport/redis/redis-transport.js";
import { restoreVisible } from "../../../sdk/src/transport/redis/restore-visible.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { WorkerLogger } from "../logging/worker-logger.js";

/**
 * kombu's Redis ack emulation needs a sweeper: deliveries left unacknowledged longer than `visibility_timeout` (a
 * worker that died) go back to their queues. kombu sweeps when the consumer starts and then every
 * `unacked_restore_interval × unacked_restore_throttle` seconds (10 × 10 by default); so does this. No-op for other
 * transports. Returns a stop function.
 */
export function startRestoreVisibleLoop(transport: Transport, options: KombuRedisOptions, logger: WorkerLogger): () => void {
  if (!(transport instanceof RedisTransport)) return () => undefined;
  const interval = positiveOr(options.unacked_restore_interval, 10);
  const throttle = positiveOr(options.unacked_restore_throttle, 10);
  const sweep = (): void => {
    restoreVisible(transport)
      .then((r) => {
        if (r.restored > 0) logger.info(`Restored ${r.restored} unacknowledged message(s) older than the visibility timeout`);
      })
      .catch((e: unknown) => logger.warning("restore of unacknowledged messages failed", e));
  };
  sweep();
  const timer = setInterval(sweep, interval * throttle * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === "number" && value > 0 ? value : fallback;
}
