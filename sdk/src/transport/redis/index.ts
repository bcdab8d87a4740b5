// The kombu-compatible Redis transport: public surface (explicit exports only).
export { createRedisTransport } from "./create-redis-transport.js";
export { RedisTransport, type FanoutMessage } from "./redis-transport.js";
export type { RedisTransportOptions, RedisBackoff } from "./redis-transport-options.js";
export { KOMBU_REDIS_DEFAULTS, type KombuRedisOptions } from "./kombu-redis-options.js";
export { compileRedisOptions, type CompiledRedisOptions } from "./compile-redis-options.js";
export { defaultRedisBackoff } from "./default-redis-backoff.js";
export { restoreVisible, type RestoreVisibleOptions, type RestoreVisibleResult, type RestoreVisibleTarget } from "./restore-visible.js";
export { parseRedisUrl, type RedisTarget, type RedisServerEndpoint } from "./parse-redis-url.js";
export { createRedisKeyLayout, type RedisKeyLayout } from "./redis-key-layout.js";
export { keyToPattern, compileTopicPattern } from "./topic-pattern.js";
export { readMessagePriority, priorityStep } from "./read-message-priority.js";
export type { RedisChannelContext } from "./redis-channel-context.js";
