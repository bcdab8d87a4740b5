import type { Redis } from "ioredis";
import type { BrokerState } from "./broker-state.js";
import type { CompiledRedisOptions } from "./compile-redis-options.js";
import type { RedisKeyLayout } from "./redis-key-layout.js";

/** What the transport's parts share: kombu's `Channel` minus the consumers (one per `RedisTransport`). */
export interface RedisChannelContext {
  /** The command connection: publishes, acks, restores. Never blocked (BRPOP has its own connections). */
  readonly commands: Redis;
  readonly layout: RedisKeyLayout;
  readonly options: CompiledRedisOptions;
  readonly state: BrokerState;
}
