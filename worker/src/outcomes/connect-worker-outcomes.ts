import type { RedisConnectWait } from "../../../sdk/src/transport/redis/wait-for-redis-client.js";
import { createWorkerOutcomes, type WorkerOutcomes, type WorkerOutcomesOptions } from "./create-worker-outcomes.js";
import { RedisResultStore } from "./redis-result-store.js";

/**
 * `createWorkerOutcomes`, then waits until a Redis result backend is connected (within `connectTimeoutMs`), so that a
 * worker whose results cannot be stored fails at start-up, naming the server, rather than at its first task. A refused
 * or unreachable server, one that never answers, and a refused password or database all reject (see
 * `RedisResultStore.whenConnected`), after the outcomes are closed. Other backends resolve at once.
 */
export async function connectWorkerOutcomes(options: WorkerOutcomesOptions, wait: Omit<RedisConnectWait, "connectTimeoutMs"> = {}): Promise<WorkerOutcomes> {
  const outcomes = createWorkerOutcomes(options);
  if (!(outcomes.store instanceof RedisResultStore)) return outcomes;
  try {
    await outcomes.store.whenConnected(wait);
  } catch (e) {
    await outcomes.close();
    throw e;
  }
  return outcomes;
}
