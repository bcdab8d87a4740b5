import { RedisResultBackend } from "../../../sdk/src/results/redis-result-backend.js";
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, type RedisConnectWait } from "../../../sdk/src/transport/redis/wait-for-redis-client.js";
import { createWorkerOutcomes, type WorkerOutcomes, type WorkerOutcomesOptions } from "./create-worker-outcomes.js";

/**
 * `createWorkerOutcomes`, then waits until a Redis result backend is connected (within `connectTimeoutMs`), so that a
 * worker whose results cannot be stored fails at start-up, naming the server, rather than at its first task. A refused
 * or unreachable server, one that never answers, and a refused password or database all reject (see
 * `RedisResultBackend.whenConnected`; `wait.urlSetting` defaults to `"result backend"`), after the outcomes are
 * closed. Other backends resolve at once.
 */
export async function connectWorkerOutcomes(options: WorkerOutcomesOptions, wait: Omit<RedisConnectWait, "connectTimeoutMs"> = {}): Promise<WorkerOutcomes> {
  const outcomes = createWorkerOutcomes(options);
  if (!(outcomes.backend instanceof RedisResultBackend)) return outcomes;
  try {
    await outcomes.backend.whenConnected(options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS, wait.connectTimeoutSetting, {
      urlSetting: wait.urlSetting ?? "result backend",
      ...(wait.signal === undefined ? {} : { signal: wait.signal }),
    });
  } catch (e) {
    await outcomes.close();
    throw e;
  }
  return outcomes;
}
