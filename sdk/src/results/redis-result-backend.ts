import { Redis } from "ioredis";
import { decodeKombuJson, encodeKombuJson } from "../codec/json/kombu-json.js";
import { decodeResultMeta } from "../codec/result/decode-result-meta.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { disconnectRedis } from "../transport/redis/disconnect-redis.js";
import { type RedisConnectWait, waitForRedisClient } from "../transport/redis/wait-for-redis-client.js";
import type { ResultMeta, ResultTuple } from "../gen/json-schema/types.js";
import { BoundedLru } from "./bounded-lru.js";
import { decodeGroupMeta } from "./decode-group-meta.js";
import { encodeGroupMeta } from "./encode-group-meta.js";
import { PendingWaits } from "./pending-waits.js";
import { createPendingMeta } from "./pending-meta.js";
import { RedisChordCounter } from "./redis-chord-counter.js";
import { runRedisScript } from "./redis-chord-scripts.js";
import { compileRedisResultBackendOptions, type CompiledRedisResultBackendOptions, type RedisResultBackendOptions } from "./redis-result-backend-options.js";
import { STORE_RESULT_SCRIPT } from "./redis-store-result-script.js";
import { createRedisResultKeys, TASK_KEY_PREFIX, type RedisResultKeys } from "./redis-result-keys.js";
import type { ResultBackend, WaitOptions } from "./result-backend.js";
import { createGroupTuple, resultNodeId } from "./result-tuple.js";
import { isReadyState } from "./task-states.js";

/** Celery refuses values over 512 MB (Redis's string limit). */
const MAX_VALUE_LENGTH = 536_870_912;

/** A task meta document as a worker stores it (`status` and `task_id` plus the rest, in Celery's key order). */
export type StoredResultMeta = Readonly<Record<string, unknown>> & { readonly status: string; readonly task_id: string };

/**
 * Celery's Redis result backend (C:celery/backends/redis.py `RedisBackend` + `ResultConsumer`), read and written by
 * clients and workers alike: metas under `celery-task-meta-<id>` on one command connection, plus a pub/sub
 * connection opened by the first wait (as redis-py takes one from its pool on the first SUBSCRIBE), so a worker that
 * only stores results holds one connection. `onTaskCall` SUBSCRIBEs to the task's key before the task is published;
 * every wait subscribes, then GETs, then waits for the published meta, so a result is never missed; after a
 * reconnect the backend re-subscribes and MGETs what it still waits for. Workers store states with `storeResult`
 * and count chord parts with `chords`.
 */
export class RedisResultBackend implements ResultBackend {
  readonly kind = "redis" as const;
  /**
   * Celery's ResultConsumer sends SUBSCRIBE without reading its reply (redis-py's PubSub) and `get()` then reads the
   * stored meta; `waitForReady` here GETs once the SUBSCRIBE is acknowledged, so a result published before the
   * subscription took effect is found, and the subscription need not hold up the publish (one round trip less).
   */
  readonly taskCallOverlapsPublish = true;
  readonly replyTo: string;
  readonly keys: RedisResultKeys;
  /** Chord counting (`on_chord_part_return`), on the command connection. */
  readonly chords: RedisChordCounter;
  private readonly options: CompiledRedisResultBackendOptions;
  private readonly command: Redis;
  /** Opened by the first subscription. */
  private subscriberConnection: Redis | null = null;
  /** Task ids with a SUBSCRIBE sent (insertion order = age, for eviction), each with its acknowledgement. */
  private readonly subscriptions = new Map<string, Promise<void>>();
  private readonly buffer: BoundedLru<string, ResultMeta>;
  private readonly waits: PendingWaits;
  private readonly taskChannelPrefix: string;
  private subscriberReadyOnce = false;
  private closed = false;

  constructor(
    private readonly url: string,
    options: RedisResultBackendOptions = {},
  ) {
    this.options = compileRedisResultBackendOptions(options);
    this.replyTo = this.options.replyTo;
    this.keys = createRedisResultKeys(this.options.globalKeyprefix);
    this.taskChannelPrefix = `${this.keys.prefix}${TASK_KEY_PREFIX}`;
    this.buffer = new BoundedLru(this.options.maxBufferedResults);
    this.waits = new PendingWaits(this.options.maxPendingWaits, "maxPendingWaits", (taskId) => this.unsubscribe(taskId));
    this.command = new Redis(url, { ...this.options.redisOptions, autoResubscribe: false });
    this.command.on("error", (e: Error) => this.options.onError(e));
    this.chords = new RedisChordCounter(this.command, this.keys, this.options);
  }

  /**
   * Resolves once the command connection is ready, bounded as the broker connection is: when the server refuses the
   * connection or is unreachable (`TransportClosed`, at once), does not answer within `timeoutMs` (`Timeout`, naming
   * `timeoutSetting`), or refuses the URL's password or database (`InvalidOption` at once, naming `wait.urlSetting`,
   * default `"backend"`), the backend is closed and this rejects with a message naming the server's host and port.
   */
  whenConnected(timeoutMs: number, timeoutSetting = "connectTimeoutMs", wait: Pick<RedisConnectWait, "urlSetting" | "signal"> = {}): Promise<void> {
    this.assertOpen();
    const connected = waitForRedisClient(this.command, this.url, "result backend", {
      connectTimeoutMs: timeoutMs,
      connectTimeoutSetting: timeoutSetting,
      urlSetting: wait.urlSetting ?? "backend",
      ...(wait.signal === undefined ? {} : { signal: wait.signal }),
    });
    return connected.catch(async (e: unknown) => {
      await this.close();
      throw e;
    });
  }

  async onTaskCall(taskId: string): Promise<void> {
    this.assertOpen();
    await this.subscribe(taskId);
  }

  async getMeta(taskId: string): Promise<ResultMeta> {
    this.assertOpen();
    return this.buffer.get(taskId) ?? (await this.fetch(taskId));
  }

  async waitForReady(taskId: string, options: WaitOptions = {}): Promise<ResultMeta> {
    this.assertOpen();
    const buffered = this.buffer.get(taskId);
    if (buffered !== undefined) return buffered;
    // Register first, then SUBSCRIBE, then GET: a meta published at any point is seen by one of them.
    const wait = this.waits.add(taskId, options);
    void (async () => {
      try {
        await this.subscribe(taskId);
        const meta = await this.fetch(taskId);
        if (isReadyState(meta.status)) this.settle(taskId, meta);
        else if (meta.status !== "PENDING") this.waits.notify(taskId, meta);
        wait.arm();
      } catch (e) {
        wait.fail(e);
      }
    })();
    return wait.promise;
  }

  /**
   * Celery's `_store_result` → `set`: the meta as kombu JSON under `celery-task-meta-<id>`, SETEX (SET when the expiry
   * is 0; FAILURE uses `failureExpiresSeconds`) and PUBLISH, unless a stored SUCCESS (never overwritten) is found, in
   * one script round trip. Values over 512 MB are refused with `EncodeError`.
   */
  async storeResult(meta: StoredResultMeta): Promise<void> {
    this.assertOpen();
    const text = encodeKombuJson(meta);
    if (text.length > MAX_VALUE_LENGTH)
      throw new CeleryProtoError("EncodeError", `the result of ${meta.task_id} is too large for the Redis backend (over 512 MB)`);
    const key = this.keys.task(meta.task_id);
    const expires = meta.status === "FAILURE" ? this.options.failureExpiresSeconds : this.options.resultExpiresSeconds;
    const stored = await runRedisScript(this.command, STORE_RESULT_SCRIPT, [key], [text, expires]);
    if (stored === -1) await this.storeUnlessSucceeded(key, text, expires);
  }

  /** Celery's two round trips, for a stored text only the kombu JSON decoder reads. */
  private async storeUnlessSucceeded(key: string, text: string, expires: number): Promise<void> {
    if ((await this.readStatus(key)) === "SUCCESS") return;
    const multi = this.command.multi();
    if (expires > 0) multi.setex(key, expires, text);
    else multi.set(key, text);
    multi.publish(key, text);
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (failed !== undefined) throw CeleryProtoError.from(failed[0], "BrokerError");
  }

  /** `backend.get_state(task_id)`: the stored status; `PENDING` when there is none (or it is not a meta we can read). */
  async getStatus(taskId: string): Promise<string> {
    this.assertOpen();
    return this.readStatus(this.keys.task(taskId));
  }

  async forget(taskId: string): Promise<void> {
    this.assertOpen();
    this.buffer.delete(taskId);
    await this.run(() => this.command.del(this.keys.task(taskId)));
    if (!this.waits.has(taskId)) this.unsubscribe(taskId);
  }

  async saveGroup(groupId: string, taskIds: readonly string[]): Promise<void> {
    await this.saveGroupTuple(groupId, createGroupTuple(groupId, taskIds));
  }

  /** SETEX (SET when `resultExpiresSeconds` is 0) plus PUBLISH in one MULTI, as Celery's `_save_group` → `_set`. */
  async saveGroupTuple(groupId: string, tuple: ResultTuple): Promise<void> {
    this.assertOpen();
    const key = this.keys.group(groupId);
    const text = encodeGroupMeta(tuple);
    const expires = this.options.resultExpiresSeconds;
    await this.run(async () => {
      const multi = this.command.multi();
      if (expires > 0) multi.setex(key, expires, text);
      else multi.set(key, text);
      multi.publish(key, text);
      await execOrThrow(multi.exec());
    });
  }

  async restoreGroup(groupId: string): Promise<string[] | null> {
    const tuple = await this.restoreGroupTuple(groupId);
    if (tuple === null) return null;
    return (tuple[1] ?? []).map((member) => resultNodeId(member[0]));
  }

  async restoreGroupTuple(groupId: string): Promise<ResultTuple | null> {
    this.assertOpen();
    const text = await this.run(() => this.command.get(this.keys.group(groupId)));
    return text === null || text === "" ? null : decodeGroupMeta(text);
  }

  async deleteGroup(groupId: string): Promise<void> {
    this.assertOpen();
    await this.run(() => this.command.del(this.keys.group(groupId)));
  }

  /**
   * Celery 5.7's `set_chord_size`: DEL `<group key>.c` (the done marker of an earlier run of a re-applied chord),
   * then SET `<group key>.s <size>` with EX `chordExpiresSeconds` (no EX when 0). Celery <= 5.6 wrote the same key
   * with its normal SETEX + PUBLISH; workers of every line only GET it.
   */
  async setChordSize(groupId: string, size: number): Promise<void> {
    this.assertOpen();
    if (!Number.isInteger(size) || size < 0) throw new CeleryProtoError("InvalidOption", `chord size must be an integer >= 0 (got ${String(size)})`);
    const expires = this.options.chordExpiresSeconds;
    await this.run(async () => {
      const multi = this.command.multi();
      multi.del(this.keys.group(groupId, ".c"));
      if (expires > 0) multi.set(this.keys.group(groupId, ".s"), String(size), "EX", expires);
      else multi.set(this.keys.group(groupId, ".s"), String(size));
      await execOrThrow(multi.exec());
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waits.rejectAll(new CeleryProtoError("TransportClosed", "the Redis result backend was closed while waiting"));
    this.subscriptions.clear();
    this.buffer.clear();
    await Promise.all([quit(this.command), this.subscriberConnection === null ? undefined : quit(this.subscriberConnection)]);
  }

  /** Pending waits and live subscriptions (for tests and monitoring). */
  stats(): { readonly pendingWaits: number; readonly subscriptions: number; readonly bufferedResults: number } {
    return { pendingWaits: this.waits.size, subscriptions: this.subscriptions.size, bufferedResults: this.buffer.size };
  }

  /** The pub/sub connection, opened on first use. */
  private get subscriber(): Redis {
    if (this.subscriberConnection !== null) return this.subscriberConnection;
    const subscriber = new Redis(this.url, { ...this.options.redisOptions, autoResubscribe: false });
    subscriber.on("error", (e: Error) => this.options.onError(e));
    subscriber.on("message", (channel: string, text: string) => this.onPublished(channel, text));
    subscriber.on("ready", () => {
      if (this.subscriberReadyOnce) void this.resync();
      this.subscriberReadyOnce = true;
    });
    this.subscriberConnection = subscriber;
    return subscriber;
  }

  private subscribe(taskId: string): Promise<void> {
    const existing = this.subscriptions.get(taskId);
    if (existing !== undefined) return existing;
    const acknowledged = this.run(() => this.subscriber.subscribe(this.keys.task(taskId))).then(() => undefined);
    this.subscriptions.set(taskId, acknowledged);
    acknowledged.catch(() => {
      if (this.subscriptions.get(taskId) === acknowledged) this.subscriptions.delete(taskId);
    });
    this.evictSubscriptions();
    return acknowledged;
  }

  private unsubscribe(taskId: string): void {
    if (!this.subscriptions.delete(taskId) || this.closed) return;
    this.subscriber.unsubscribe(this.keys.task(taskId)).catch((e: unknown) => this.options.onError(CeleryProtoError.from(e, "TransportClosed")));
  }

  /** Drops the oldest subscriptions nobody waits on while there are more than `maxSubscriptions`. */
  private evictSubscriptions(): void {
    if (this.subscriptions.size <= this.options.maxSubscriptions) return;
    for (const taskId of this.subscriptions.keys()) {
      if (this.subscriptions.size <= this.options.maxSubscriptions) return;
      if (!this.waits.has(taskId)) this.unsubscribe(taskId);
    }
  }

  private async fetch(taskId: string): Promise<ResultMeta> {
    const text = await this.run(() => this.command.get(this.keys.task(taskId)));
    if (text === null || text === "") return createPendingMeta(taskId);
    const meta = decodeResultMeta(text);
    if (isReadyState(meta.status)) this.buffer.set(taskId, meta);
    return meta;
  }

  private async readStatus(key: string): Promise<string> {
    const text = await this.command.get(key);
    if (text === null || text === "") return "PENDING";
    try {
      const meta = decodeKombuJson(text);
      const status = meta !== null && typeof meta === "object" && !Array.isArray(meta) ? (meta as { status?: unknown }).status : undefined;
      return typeof status === "string" ? status : "PENDING";
    } catch {
      return "PENDING";
    }
  }

  private onPublished(channel: string, text: string): void {
    if (this.closed || !channel.startsWith(this.taskChannelPrefix)) return;
    const taskId = channel.slice(this.taskChannelPrefix.length);
    let meta: ResultMeta;
    try {
      meta = decodeResultMeta(text);
    } catch (e) {
      this.waits.rejectTask(taskId, e);
      this.options.onError(CeleryProtoError.from(e));
      return;
    }
    this.waits.notify(taskId, meta);
    if (isReadyState(meta.status)) {
      this.settle(taskId, meta);
      // Celery's ResultConsumer cancels the subscription once the task is ready.
      this.unsubscribe(taskId);
    }
  }

  private settle(taskId: string, meta: ResultMeta): void {
    this.buffer.set(taskId, meta);
    this.waits.resolve(taskId, meta);
  }

  /** After a reconnect: SUBSCRIBE again to every key, then MGET them (states may have changed meanwhile). */
  private async resync(): Promise<void> {
    const taskIds = [...this.subscriptions.keys()];
    if (taskIds.length === 0 || this.closed) return;
    try {
      await this.subscriber.subscribe(...taskIds.map((id) => this.keys.task(id)));
      const texts = await this.command.mget(...taskIds.map((id) => this.keys.task(id)));
      texts.forEach((text, i) => {
        const taskId = taskIds[i];
        if (text === null || text === undefined || taskId === undefined) return;
        this.onPublished(this.keys.task(taskId), text);
      });
    } catch (e) {
      this.options.onError(CeleryProtoError.from(e, "TransportClosed"));
    }
  }

  /** Runs a Redis command, turning "connection gone" failures into `TransportClosed`. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await command();
    } catch (e) {
      if (this.closed || isConnectionGone(e)) {
        throw new CeleryProtoError("TransportClosed", `Redis result backend: ${CeleryProtoError.from(e).message}`, { cause: e });
      }
      throw e;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new CeleryProtoError("TransportClosed", "the Redis result backend is closed");
  }
}

/** Creates a Redis result backend for `redis://host:port/db` (or `rediss://`); connections open immediately. */
export function createRedisResultBackend(url: string, options: RedisResultBackendOptions = {}): RedisResultBackend {
  return new RedisResultBackend(url, options);
}

type ExecResult = [error: Error | null, result: unknown][] | null;

async function execOrThrow(result: Promise<ExecResult>): Promise<void> {
  const replies = await result;
  if (replies === null) throw new CeleryProtoError("TransportClosed", "Redis MULTI/EXEC was aborted");
  for (const [error] of replies) if (error !== null) throw error;
}

function isConnectionGone(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === "MaxRetriesPerRequestError" || /Connection is closed|Stream isn't writeable|connection.*(closed|lost)/i.test(e.message);
}

/** QUIT when connected (pending replies drain first); otherwise stop reconnecting at once, failing queued commands. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status !== "ready") {
    disconnectRedis(connection);
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
