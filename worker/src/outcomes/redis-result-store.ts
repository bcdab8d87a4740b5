import { Redis } from "ioredis";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import { decodeKombuJson, encodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { createRedisResultKeys, type RedisResultKeys } from "../../../sdk/src/results/redis-result-keys.js";
import { disconnectRedis } from "../../../sdk/src/transport/redis/disconnect-redis.js";
import { type RedisConnectWait, waitForRedisClient } from "../../../sdk/src/transport/redis/wait-for-redis-client.js";
import { buildResultMeta } from "./build-result-meta.js";
import { compileRedisResultStoreOptions, type CompiledRedisResultStoreOptions, type RedisResultStoreOptions } from "./redis-result-store-options.js";
import type { ResultContext } from "./result-context.js";
import type { ResultStore, ResultWrite } from "./result-store.js";
import { returnRedisChordPart } from "./return-redis-chord-part.js";

/** Celery refuses values over 512 MB (Redis's string limit). */
const MAX_VALUE_LENGTH = 536_870_912;

/**
 * Celery 5.7's Redis result backend, worker side (C:celery/backends/redis.py + `BaseKeyValueStoreBackend`): each
 * state is the meta document (`buildResultMeta`) as kombu JSON under `celery-task-meta-<id>`, written with one
 * MULTI/EXEC of `SETEX <key> <expires> <json>` (`SET` without expiry) and `PUBLISH <key> <json>`, after a GET that
 * keeps a stored SUCCESS from ever being overwritten. Chord header parts are counted with Celery's Lua script.
 */
export class RedisResultStore implements ResultStore {
  readonly kind = "redis" as const;
  readonly keys: RedisResultKeys;
  readonly options: CompiledRedisResultStoreOptions;
  readonly redis: Redis;
  private readonly ownsConnection: boolean;
  /** The URL of the connection the store opened; null for a client given as `redis`. */
  private readonly url: string | null;

  constructor(options: RedisResultStoreOptions) {
    this.options = compileRedisResultStoreOptions(options);
    if (options.redis !== undefined) {
      this.redis = options.redis;
      this.ownsConnection = false;
      this.url = null;
    } else if (options.url !== undefined) {
      // Celery's result backend `retry_policy`: 20 retries, the first at once, then 1 s apart (ioredis alone waits up to
      // 2 s between them: a write to a lost server took 73 s instead of ~20 s); each attempt bounded by the timeout.
      this.redis = new Redis(options.url, {
        maxRetriesPerRequest: 20,
        retryStrategy: (times: number) => (times <= 1 ? 0 : 1000),
        connectTimeout: Math.max(1, Math.round(this.options.connectTimeoutMs)),
      });
      // Commands report a lost connection (after their retries); the reconnection attempts themselves are not news.
      this.redis.on("error", () => undefined);
      this.ownsConnection = true;
      this.url = options.url;
    } else {
      throw new CeleryProtoError("InvalidOption", "url: a Redis result backend URL (or a client as `redis`) is required");
    }
    this.keys = createRedisResultKeys(this.options.globalKeyprefix);
  }

  /**
   * Resolves once the connection is ready, bounded like the broker's: a refused or unreachable server rejects at once
   * (`TransportClosed`), one that does not answer after `connectTimeoutMs` (`Timeout`, naming
   * `wait.connectTimeoutSetting`), a refused password or database at once (`InvalidOption`, naming `wait.urlSetting`,
   * default `"result backend"`). Messages begin `result backend: cannot connect to <url>` and name host and port; the
   * store is closed on failure. Resolves at once for a client given as `redis`.
   */
  async whenConnected(wait: Omit<RedisConnectWait, "connectTimeoutMs"> = {}): Promise<void> {
    if (this.url === null) return; // a client given as `redis` is the caller's to connect
    try {
      await waitForRedisClient(this.redis, this.url, "result backend", {
        ...wait,
        connectTimeoutMs: this.options.connectTimeoutMs,
        urlSetting: wait.urlSetting ?? "result backend",
      });
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  async storeResult(write: ResultWrite): Promise<void> {
    const text = encodeKombuJson(buildResultMeta(write, this.options));
    if (text.length > MAX_VALUE_LENGTH)
      throw new CeleryProtoError("EncodeError", `the result of ${write.taskId} is too large for the Redis backend (over 512 MB)`);
    const key = this.keys.task(write.taskId);
    // `_store_result`: a stored SUCCESS is final (a redelivered or lost task must not overwrite it).
    if ((await this.readStatus(key)) === "SUCCESS") return;
    const expires = write.state === "FAILURE" ? this.options.failureExpiresSeconds : this.options.resultExpiresSeconds;
    const multi = this.redis.multi();
    if (expires > 0) multi.setex(key, expires, text);
    else multi.set(key, text);
    multi.publish(key, text);
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (failed !== undefined) throw CeleryProtoError.from(failed[0], "BrokerError");
  }

  async getStatus(taskId: string): Promise<string> {
    return this.readStatus(this.keys.task(taskId));
  }

  onChordPartReturn(context: ResultContext, state: string, result: unknown, sender: TaskSender): Promise<void> {
    return returnRedisChordPart({ redis: this.redis, keys: this.keys, settings: this.options, store: this }, context, state, result, sender);
  }

  async close(): Promise<void> {
    if (!this.ownsConnection) return;
    // Without a connection QUIT would wait for one (and commands retrying would keep waiting): stop now, failing them.
    if (this.redis.status !== "ready") return disconnectRedis(this.redis);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** The `status` of a stored meta; `PENDING` when there is none (or it is not a JSON meta we can read). */
  private async readStatus(key: string): Promise<string> {
    const text = await this.redis.get(key);
    if (text === null || text === "") return "PENDING";
    try {
      const meta = decodeKombuJson(text);
      const status = meta !== null && typeof meta === "object" && !Array.isArray(meta) ? (meta as { status?: unknown }).status : undefined;
      return typeof status === "string" ? status : "PENDING";
    } catch {
      return "PENDING";
    }
  }
}

/** Connects a Redis result store (see `RedisResultStoreOptions` for Celery's settings and defaults). */
export function createRedisResultStore(options: RedisResultStoreOptions): RedisResultStore {
  return new RedisResultStore(options);
}
