// celery-proto/redis: the kombu-compatible Redis transport and the Redis result backend. Apart from the root so that
// only programs that use Redis load ioredis (`createClient` loads them itself when a URL says redis://).
export {
  createRedisTransport,
  RedisTransport,
  type FanoutMessage,
  type RedisTransportOptions,
  type RedisBackoff,
  KOMBU_REDIS_DEFAULTS,
  type KombuRedisOptions,
  compileRedisOptions,
  type CompiledRedisOptions,
  defaultRedisBackoff,
  restoreVisible,
  type RestoreVisibleOptions,
  type RestoreVisibleResult,
  type RestoreVisibleTarget,
  parseRedisUrl,
  type RedisTarget,
  type RedisServerEndpoint,
  createRedisKeyLayout,
  type RedisKeyLayout,
  keyToPattern,
  compileTopicPattern,
  readMessagePriority,
  priorityStep,
  type RedisChannelContext,
} from "./transport/redis/index.js";
export { createRedisResultBackend } from "./results/redis-result-backend.js";
export type { RedisResultBackendOptions } from "./results/redis-result-backend-options.js";
