import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, type RedisConnectWait, waitForRedisClient } from "../transport/redis/wait-for-redis-client.js";
import { type BeatEntryState, type BeatStateStore, fromStateFile, toStateFile } from "./beat-state-store.js";

// KEYS[1] = lock, ARGV[1] = token, ARGV[2] = lease ms: extend only while we still hold the lock.
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
// KEYS[1] = lock: delete only our own lock.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// KEYS[1] = lock, KEYS[2] = state hash; ARGV = token, entry name, entry state JSON, state timezone:
// record a send only while holding the lock (the fencing that keeps a paused ex-leader from sending).
const RESERVE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3], '__timezone__', ARGV[4]) return 1 else return 0 end`;

export interface RedisBeatLeaseOptions {
  /** Redis URL of the lock, e.g. `redis://localhost:6379/0`. */
  readonly url: string;
  /** Lock key; every beat sharing a schedule must use the same key. State lives in `<key>:state`. */
  readonly key: string;
  /** Lease in ms: a standby takes over at most this long after the leader dies. */
  readonly leaseMs: number;
  /**
   * Time the connection to the lock may take to connect (`whenConnected`), and each reconnection, in ms. Default 4000
   * (Celery's `broker_connection_timeout`; ioredis alone waits 10 s).
   */
  readonly connectTimeoutMs?: number;
  readonly onError?: (error: Error) => void;
}

/**
 * Leader election for beat with a Redis lease (SET NX PX; extend and release by compare-and-set scripts), and the
 * schedule state shared through a Redis hash, so that a new leader continues where the old one stopped: however many
 * beats send each due task exactly once.
 */
export class RedisBeatLease implements BeatStateStore {
  readonly token = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly redis: Redis;
  private readonly stateKey: string;
  private timeZone = "UTC";

  constructor(private readonly options: RedisBeatLeaseOptions) {
    if (!Number.isFinite(options.leaseMs) || options.leaseMs < 300) {
      throw new CeleryProtoError("InvalidOption", `leaseMs: must be at least 300 ms, got ${options.leaseMs}`);
    }
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS;
    if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
      throw new CeleryProtoError("InvalidOption", `connectTimeoutMs: must be a positive number of milliseconds, got ${connectTimeoutMs}`);
    }
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: false, connectTimeout: Math.max(1, Math.round(connectTimeoutMs)) });
    this.redis.on("error", (e: Error) => options.onError?.(e));
    this.stateKey = `${options.key}:state`;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /**
   * Resolves once the lock's Redis is connected, bounded as a broker connection: refused or unreachable at once
   * (`TransportClosed`), no answer within `connectTimeoutMs` (`Timeout`, naming `wait.connectTimeoutSetting`), a refused
   * password or database at once (`InvalidOption`, naming `wait.urlSetting`, default `"url"`). Messages begin
   * `lock server: cannot connect to <url>` and name host and port. The lease is closed on failure.
   */
  async whenConnected(wait: Omit<RedisConnectWait, "connectTimeoutMs"> = {}): Promise<void> {
    try {
      await waitForRedisClient(this.redis, this.options.url, "lock server", {
        ...wait,
        connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
        urlSetting: wait.urlSetting ?? "url",
      });
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Tries to become (or stay) the leader; true while this process holds the lease. */
  async acquireOrExtend(): Promise<boolean> {
    const extended = (await this.redis.eval(EXTEND, 1, this.options.key, this.token, String(this.options.leaseMs))) as number;
    if (extended === 1) return true;
    const set = await this.redis.set(this.options.key, this.token, "PX", this.options.leaseMs, "NX");
    return set === "OK";
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.options.key, this.token);
  }

  async load(timeZone: string): Promise<Map<string, BeatEntryState>> {
    this.timeZone = timeZone;
    const hash = await this.redis.hgetall(this.stateKey);
    const { __timezone__: stored, ...rest } = hash;
    if (stored !== undefined && stored !== timeZone) {
      // Celery clears its schedule when the timezone changes; entries written under the old zone must not come back.
      await this.redis.del(this.stateKey);
      return new Map();
    }
    const entries: Record<string, unknown> = {};
    for (const [name, json] of Object.entries(rest)) entries[name] = JSON.parse(json) as unknown;
    return fromStateFile({ version: 1, ...(stored === undefined ? {} : { timezone: stored }), entries }, timeZone, `--lock state ${this.stateKey}`);
  }

  async reserve(name: string, state: BeatEntryState): Promise<boolean> {
    const entry = toStateFile(this.timeZone, new Map([[name, state]])).entries[name];
    const ok = (await this.redis.eval(RESERVE, 2, this.options.key, this.stateKey, this.token, name, JSON.stringify(entry), this.timeZone)) as number;
    return ok === 1;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
