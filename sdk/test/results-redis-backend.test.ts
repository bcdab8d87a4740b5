// The Redis result backend against a real Redis (db 16), with Celery's exact writes (SETEX + PUBLISH) done by hand.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { createRedisResultBackend, type RedisResultBackend } from "../src/results/redis-result-backend.js";
import { createRedisResultKeys, resolveGlobalKeyprefix } from "../src/results/redis-result-keys.js";
import { compileRedisResultBackendOptions } from "../src/results/redis-result-backend-options.js";
import { encodeGroupMeta } from "../src/results/encode-group-meta.js";
import { decodeGroupMeta } from "../src/results/decode-group-meta.js";
import { createGroupTuple } from "../src/results/result-tuple.js";
import { AsyncResult } from "../src/results/async-result.js";
import { GroupResult } from "../src/results/group-result.js";
import { RemoteTaskError } from "../src/codec/exceptions/remote-task-error.js";

const REDIS_URL = (process.env["CELERY_PROTO_REDIS_URL"] ?? "redis://127.0.0.1:6391").replace(/\/\d*$/, "");
const DB_URL = `${REDIS_URL}/16`;
const VECTORS = path.resolve(import.meta.dirname, "../../conformance/vectors");

interface VectorMessage {
  command: string;
  key: string;
  raw: string;
}
function vectorMessages(version: string, broker: string, scenario: string): VectorMessage[] {
  return (JSON.parse(readFileSync(path.join(VECTORS, version, broker, `${scenario}.json`), "utf8")) as { messages: VectorMessage[] }).messages;
}

/** A stored meta in Celery's exact text form (key order and separators as Python's json.dumps). */
function metaText(taskId: string, status: string, result: string, extra = ""): string {
  return `{"status": "${status}", "result": ${result}, "traceback": null, "children": [], "date_done": ${status === "SUCCESS" ? '"2026-01-01T00:00:00.000001+00:00"' : "null"}${extra}, "task_id": "${taskId}"}`;
}

describe("Redis result backend (real Redis, db 16)", { timeout: 30_000 }, () => {
  let redis: Redis;
  let backend: RedisResultBackend;
  const keys = createRedisResultKeys();

  /** What Celery's worker does: MULTI SETEX key 86400 value; PUBLISH key value; EXEC. */
  async function celeryStore(taskId: string, text: string, prefix = ""): Promise<void> {
    const key = `${prefix}celery-task-meta-${taskId}`;
    await redis.multi().setex(key, 86400, text).publish(key, text).exec();
  }

  before(async () => {
    redis = new Redis(DB_URL);
    backend = createRedisResultBackend(DB_URL);
  });
  after(async () => {
    await backend.close();
    await redis.quit();
  });

  it("global_keyprefix is applied exactly as Celery's _add_global_keyprefix", () => {
    assert.equal(resolveGlobalKeyprefix(undefined), "");
    assert.equal(resolveGlobalKeyprefix(""), "");
    assert.equal(resolveGlobalKeyprefix("p"), "p_");
    for (const p of ["p:", "p_", "p-", "p."]) assert.equal(resolveGlobalKeyprefix(p), p);
    assert.equal(resolveGlobalKeyprefix("p/"), "p/_");
    assert.equal(createRedisResultKeys("app").task("t1"), "app_celery-task-meta-t1");
    assert.equal(createRedisResultKeys("app:").group("g1", ".s"), "app:celery-taskset-meta-g1.s");
    assert.throws(
      () => keys.task(""),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });

  it("options: defaults (86400 s expiry, limits) and loud rejection of bad values", () => {
    const o = compileRedisResultBackendOptions();
    assert.equal(o.resultExpiresSeconds, 86400);
    assert.equal(o.chordExpiresSeconds, 86400);
    assert.equal(o.maxPendingWaits, 10000);
    assert.match(o.replyTo, /^[0-9a-f-]{36}$/);
    assert.throws(() => compileRedisResultBackendOptions({ resultExpiresSeconds: -1 }), /resultExpiresSeconds/);
    assert.throws(() => compileRedisResultBackendOptions({ maxPendingWaits: 0 }), /maxPendingWaits/);
    assert.throws(() => compileRedisResultBackendOptions({ redisOptions: { autoResubscribe: true } as never }), /autoResubscribe/);
  });

  it("getMeta: PENDING when no key, the decoded meta otherwise (kombu types decoded)", async () => {
    const id = randomUUID();
    assert.deepEqual(await backend.getMeta(id), { status: "PENDING", result: null, task_id: id });
    await celeryStore(
      id,
      metaText(id, "SUCCESS", '{"when": {"__type__": "datetime", "__value__": "2025-01-31T12:00:00.123456+00:00"}, "n": 12345678901234567890}'),
    );
    const meta = await backend.getMeta(id);
    assert.equal(meta.status, "SUCCESS");
    const value = meta.result as { when: Date; n: bigint };
    assert.ok(value.when instanceof Date);
    assert.equal(value.when.toISOString(), "2025-01-31T12:00:00.123Z");
    assert.equal(value.n, 12345678901234567890n);
  });

  it("onTaskCall SUBSCRIBEs before publishing: a result published (and then deleted) before anyone waits is not missed", async () => {
    const id = randomUUID();
    await backend.onTaskCall(id);
    const [, subs] = (await redis.pubsub("NUMSUB", keys.task(id))) as [string, number];
    assert.equal(subs, 1, "subscribed to celery-task-meta-<id> before the task is sent");
    await celeryStore(id, metaText(id, "SUCCESS", "42"));
    await redis.del(keys.task(id)); // only the pub/sub message can deliver it now
    await new Promise((r) => setTimeout(r, 50));
    const meta = await backend.waitForReady(id, { timeoutMs: 2000 });
    assert.equal(meta.result, 42);
    const [, after] = (await redis.pubsub("NUMSUB", keys.task(id))) as [string, number];
    assert.equal(after, 0, "unsubscribed once the task is ready");
  });

  it("waitForReady: resolves from the GET when the result is already stored, and from pub/sub otherwise; every state reaches onMessage", async () => {
    const stored = randomUUID();
    await celeryStore(stored, metaText(stored, "SUCCESS", '"early"'));
    assert.equal((await backend.waitForReady(stored)).result, "early");

    const id = randomUUID();
    const seen: string[] = [];
    const waiting = backend.waitForReady(id, { timeoutMs: 5000, onMessage: (m) => seen.push(m.status) });
    await new Promise((r) => setTimeout(r, 50));
    await celeryStore(
      id,
      `{"status": "STARTED", "result": {"pid": 1, "hostname": "w@h"}, "traceback": null, "children": [], "date_done": null, "task_id": "${id}"}`,
    );
    await celeryStore(id, `{"status": "PROGRESS", "result": {"done": 1}, "traceback": null, "children": [], "date_done": null, "task_id": "${id}"}`);
    await celeryStore(id, metaText(id, "SUCCESS", "7"));
    const meta = await waiting;
    assert.equal(meta.result, 7);
    assert.deepEqual(seen, ["STARTED", "PROGRESS", "SUCCESS"]);
    assert.equal(backend.stats().pendingWaits, 0);
  });

  it("a custom state keeps get() waiting; timeout rejects with Timeout; timeoutMs 0 checks once", async () => {
    const id = randomUUID();
    await celeryStore(id, `{"status": "PROGRESS", "result": {"done": 1}, "traceback": null, "children": [], "date_done": null, "task_id": "${id}"}`);
    const t0 = Date.now();
    await assert.rejects(new AsyncResult(id, { backend }).get({ timeoutMs: 200 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    assert.ok(Date.now() - t0 >= 190);
    await assert.rejects(backend.waitForReady(id, { timeoutMs: 0 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    const done = randomUUID();
    await celeryStore(done, metaText(done, "SUCCESS", "1"));
    assert.equal((await backend.waitForReady(done, { timeoutMs: 0 })).result, 1);
    const [, subs] = (await redis.pubsub("NUMSUB", keys.task(id))) as [string, number];
    assert.equal(subs, 0, "a timed-out wait leaves no subscription behind");
  });

  it("every date_done form Celery writes is read (5.3 naive, 5.7 +00:00, app-timezone offset)", async () => {
    const forms: Array<[string, string]> = [
      ["2025-01-31T12:00:00.123456", "2025-01-31T12:00:00.123Z"],
      ["2025-01-31T12:00:00.123456+00:00", "2025-01-31T12:00:00.123Z"],
      ["2025-01-31T13:00:00.123456+01:00", "2025-01-31T12:00:00.123Z"],
      ["2025-01-31T07:30:00-04:30", "2025-01-31T12:00:00.000Z"],
    ];
    for (const [text, iso] of forms) {
      const id = randomUUID();
      await celeryStore(id, `{"status": "SUCCESS", "result": 1, "traceback": null, "children": [], "date_done": "${text}", "task_id": "${id}"}`);
      assert.equal((await new AsyncResult(id, { backend }).dateDone())?.toISOString(), iso, text);
    }
    for (const version of ["5.3.6", "5.7.0"]) {
      const [m] = vectorMessages(version, "redis", "result-success");
      const id = /celery-task-meta-(.*)$/.exec(m!.key)![1]!;
      await celeryStore(id, m!.raw);
      const r = new AsyncResult<number>(id, { backend });
      assert.equal(await r.get({ timeoutMs: 1000 }), 4);
      assert.ok((await r.dateDone()) instanceof Date, version);
    }
  });

  it("FAILURE from a real Celery vector rejects with RemoteTaskError; propagate false resolves with it", async () => {
    const [m] = vectorMessages("5.7.0", "redis", "result-failure");
    const id = /celery-task-meta-(.*)$/.exec(m!.key)![1]!;
    await celeryStore(id, m!.raw);
    const r = new AsyncResult(id, { backend });
    await assert.rejects(r.get(), (e: unknown) => {
      assert.ok(RemoteTaskError.is(e));
      assert.equal(e.name, "ValueError");
      assert.equal(e.excModule, "builtins");
      assert.equal(e.message, "boom");
      assert.equal(e.taskId, id);
      assert.match(e.traceback ?? "", /^Traceback \(most recent call last\):/);
      return true;
    });
    const value = await r.get({ propagate: false });
    assert.ok(RemoteTaskError.is(value));
    assert.equal(await r.failed(), true);
  });

  it("global_keyprefix: reads and subscribes under the prefixed key", async () => {
    const prefixed = createRedisResultBackend(DB_URL, { globalKeyprefix: "tres" });
    try {
      const id = randomUUID();
      const waiting = prefixed.waitForReady(id, { timeoutMs: 2000 });
      await new Promise((r) => setTimeout(r, 50));
      await celeryStore(id, metaText(id, "SUCCESS", '"prefixed"'), "tres_");
      assert.equal((await waiting).result, "prefixed");
    } finally {
      await prefixed.close();
    }
  });

  it("forget = DEL", async () => {
    const id = randomUUID();
    await celeryStore(id, metaText(id, "SUCCESS", "1"));
    await new AsyncResult(id, { backend }).forget();
    assert.equal(await redis.exists(keys.task(id)), 0);
    assert.equal((await backend.getMeta(id)).status, "PENDING");
  });

  it("saveGroup: SETEX 86400 + PUBLISH of exactly Celery's text; restoreGroup reads Celery's", async () => {
    for (const version of ["5.7.0", "5.3.6"]) {
      const [m] = vectorMessages(version, "redis", "result-group-saved");
      const tuple = decodeGroupMeta(m!.raw);
      const gid = tuple[0][0] as string;
      const ids = (tuple[1] ?? []).map((t) => (t[0] as [string, null])[0]);
      assert.equal(encodeGroupMeta(createGroupTuple(gid, ids)), m!.raw, `${version}: byte-identical group meta`);
      const sub = new Redis(DB_URL);
      const published = new Promise<string>((resolve) => sub.on("message", (_c: string, text: string) => resolve(text)));
      await sub.subscribe(keys.group(gid));
      await GroupResult.of(gid, ids, { backend }).save();
      assert.equal(await redis.get(keys.group(gid)), m!.raw);
      assert.equal(await published, m!.raw, "the saved group is also PUBLISHed");
      const ttl = await redis.ttl(keys.group(gid));
      assert.ok(ttl > 86390 && ttl <= 86400, `ttl ${ttl}`);
      await sub.quit();
      const restored = await GroupResult.restore(gid, { backend });
      assert.deepEqual(
        restored?.results.map((r) => r.id),
        ids,
      );
      assert.deepEqual(await backend.restoreGroup(gid), ids);
      await restored?.delete();
      assert.equal(await GroupResult.restore(gid, { backend }), null);
    }
  });

  it("setChordSize: Celery 5.7's DEL <gid>.c + SET <gid>.s <n> EX <chord expires>", async () => {
    const gid = randomUUID();
    await redis.set(keys.group(gid, ".c"), "done");
    await backend.setChordSize(gid, 3);
    assert.equal(await redis.get(keys.group(gid, ".s")), "3");
    assert.equal(await redis.exists(keys.group(gid, ".c")), 0);
    const ttl = await redis.ttl(keys.group(gid, ".s"));
    assert.ok(ttl > 86390 && ttl <= 86400);
    await redis.del(keys.group(gid, ".s"));
  });

  it("after a reconnect, it re-subscribes and MGETs what it still waits for", async () => {
    const name = `t-res-${process.pid}-${randomUUID().slice(0, 8)}`;
    const b = createRedisResultBackend(DB_URL, { redisOptions: { retryStrategy: () => 50, connectionName: name } });
    try {
      const lost = randomUUID();
      const live = randomUUID();
      const waitLost = b.waitForReady(lost, { timeoutMs: 8000 });
      const waitLive = b.waitForReady(live, { timeoutMs: 8000 });
      waitLost.catch(() => {});
      waitLive.catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      // Kill both connections of this backend (found by their connection name); store while they are down.
      const clients = String(await redis.client("LIST"))
        .split("\n")
        .filter((l) => l.includes(` name=${name} `));
      assert.equal(clients.length, 2);
      assert.ok(
        clients.some((l) => / sub=[1-9]/.test(l)),
        "one of them is the subscriber",
      );
      for (const line of clients) await redis.client("KILL", "ID", /(?:^| )id=(\d+)/.exec(line)![1]!);
      await redis.set(keys.task(lost), metaText(lost, "SUCCESS", '"while down"'), "EX", 600);
      assert.equal((await waitLost).result, "while down", "MGET after reconnect");
      await new Promise((r) => setTimeout(r, 100));
      await celeryStore(live, metaText(live, "SUCCESS", '"after"'));
      assert.equal((await waitLive).result, "after", "re-subscribed");
    } finally {
      await b.close();
    }
  });

  it("bounded: waits beyond maxPendingWaits reject with BufferOverflow naming it", async () => {
    const b = createRedisResultBackend(DB_URL, { maxPendingWaits: 1 });
    try {
      const first = b.waitForReady(randomUUID(), { timeoutMs: 300 });
      await assert.rejects(b.waitForReady(randomUUID()), (e: unknown) => CeleryProtoError.is(e, "BufferOverflow") && /maxPendingWaits/.test(e.message));
      await assert.rejects(first, (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    } finally {
      await b.close();
    }
  });

  it("close rejects pending waits and later calls with TransportClosed", async () => {
    const b = createRedisResultBackend(DB_URL);
    const waiting = assert.rejects(b.waitForReady(randomUUID()), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
    await new Promise((r) => setTimeout(r, 50));
    await b.close();
    await waiting;
    await assert.rejects(b.getMeta(randomUUID()), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
    await assert.rejects(b.onTaskCall(randomUUID()), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
  });

  it("an unreachable Redis: commands reject with TransportClosed, errors go to onError, close() is immediate", async () => {
    const errors: Error[] = [];
    const b = createRedisResultBackend("redis://127.0.0.1:1/16", {
      onError: (e) => errors.push(e),
      redisOptions: { maxRetriesPerRequest: 1, retryStrategy: () => 20 },
    });
    await assert.rejects(b.getMeta(randomUUID()), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
    assert.ok(errors.length > 0);
    const t0 = Date.now();
    await b.close();
    assert.ok(Date.now() - t0 < 500);
  });

  it("a published meta that is not a valid result meta rejects the wait with a typed error", async () => {
    const id = randomUUID();
    const waiting = backend.waitForReady(id, { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 50));
    await redis.publish(keys.task(id), '{"result": 1}');
    await assert.rejects(waiting, (e: unknown) => CeleryProtoError.is(e, "InvalidMessage"));
  });
});
