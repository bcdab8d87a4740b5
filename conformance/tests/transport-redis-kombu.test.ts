// The Redis transport against kombu itself (5.7, and 5.3 for topic bindings), on the shared Redis, db 14 only.
// Each case drives a kombu peer process (conformance/python/reference/kombu_peer.py) and reads Redis directly.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { FanoutMessage, RedisTransport } from "../../sdk/src/transport/redis/redis-transport.js";
import { keyToPattern } from "../../sdk/src/transport/redis/topic-pattern.js";
import type { Delivery, OutgoingMessage } from "../../sdk/src/transport/transport.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { KombuPeer, type PeerMessage, type PeerQueueSpec } from "../harness/redis-kombu-peer.js";

const DB = 14;
const URL = redisDbUrl(DB);
const P = `t-redis-${process.pid}`;
const SEP = "\x06\x16";
const ROOT = path.resolve(import.meta.dirname, "../..");

interface Body {
  readonly i: number;
  readonly p?: number;
}

function outgoing(exchange: string, routingKey: string, body: unknown, extra: { priority?: number; headers?: Record<string, unknown> } = {}): OutgoingMessage {
  return {
    exchange,
    routingKey,
    body: new TextEncoder().encode(JSON.stringify(body)),
    properties: { content_type: "application/json", content_encoding: "utf-8", delivery_mode: 2, priority: extra.priority ?? 0, headers: extra.headers ?? {} },
  };
}

function bodyOf(message: RawTaskParts): Body {
  return JSON.parse(new TextDecoder().decode(message.body)) as Body;
}

function peerBody(message: PeerMessage): Body {
  return JSON.parse(Buffer.from(message.body_b64, "base64").toString("utf8")) as Body;
}

/** Consumes `count` deliveries with our transport, settling each with `settle`. */
async function consumeOurs(
  t: RedisTransport,
  queues: string[],
  count: number,
  settle: "ack" | "keep" | "requeue" = "ack",
  noAck = false,
): Promise<{ deliveries: Delivery[]; cancel: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const consumer = await t.consume(
    queues,
    (d) => {
      deliveries.push(d);
      if (settle === "ack") void d.ack();
      if (settle === "requeue") void d.reject(true);
      if (deliveries.length === count) done();
    },
    { prefetch: settle === "keep" ? count : 1, noAck },
  );
  const timer = setTimeout(() => done(), 10_000);
  await finished;
  clearTimeout(timer);
  assert.equal(deliveries.length, count, `expected ${count} deliveries from ${queues.join(",")}`);
  return { deliveries, cancel: () => consumer.cancel() };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Redis transport ↔ kombu 5.7 (db 14)", { timeout: 60_000 }, () => {
  let raw: Redis;
  let t: RedisTransport;
  let peer: KombuPeer;
  const errors: unknown[] = [];

  before(async () => {
    raw = new Redis(URL, { maxRetriesPerRequest: 2 });
    await raw.flushdb();
    t = await createRedisTransport(URL, { onEvent: (e) => e.type === "error" && errors.push(e.error) });
    peer = await KombuPeer.start(URL);
  });

  after(async () => {
    await peer?.close();
    await t?.close();
    await raw?.quit();
  });

  it("(1) kombu publishes, we consume: same messages, and the same priority/round-robin order as kombu's own consumer", async () => {
    const q = `${P}-prio`;
    const spec: PeerQueueSpec = { name: q };
    const prios = [0, 9, 3, 6, 1, 5, 8, 2, 7, 4, 9, 0, 3, 6];
    const publishAll = async (): Promise<void> => {
      for (const [i, p] of prios.entries()) {
        await peer.publish({ exchange: q, type: "direct", routing_key: q, body: { i, p }, priority: p, headers: { "x-i": i, f: 1.5 }, declare: [spec] });
      }
    };
    await publishAll();
    const kombuGot = await peer.consume({ queues: [spec], count: prios.length });
    await publishAll();
    const ours = await consumeOurs(t, [q], prios.length);
    assert.deepEqual(
      ours.deliveries.map((d) => bodyOf(d.message).i),
      kombuGot.map((m) => peerBody(m).i),
    );
    // priority 0 first (the opposite of RabbitMQ), FIFO within a step
    assert.deepEqual(
      kombuGot.map((m) => peerBody(m).i),
      [0, 4, 7, 11, 2, 5, 9, 12, 3, 6, 8, 13, 1, 10],
    );
    for (const [k, d] of ours.deliveries.entries()) {
      const theirs = kombuGot[k] as PeerMessage;
      assert.equal(d.queue, q);
      assert.equal(Buffer.from(d.message.body).toString("base64"), theirs.body_b64);
      assert.deepEqual(d.message.headers, theirs.headers);
      assert.equal(d.message.properties["content_type"], theirs.content_type);
      assert.equal(d.message.properties["content_encoding"], theirs.content_encoding);
      assert.equal(d.message.properties["priority"], theirs.properties["priority"]);
      assert.equal(d.message.properties["delivery_mode"], theirs.properties["delivery_mode"]);
      assert.deepEqual({ exchange: d.message.deliveryInfo?.exchange, routing_key: d.message.deliveryInfo?.routingKey }, theirs.delivery_info);
      assert.match(d.message.deliveryTag ?? "", /^[0-9a-f-]{36}$/);
    }
    await ours.cancel();

    const qa = `${P}-rr-a`;
    const qb = `${P}-rr-b`;
    const rr = async (): Promise<void> => {
      for (const [i, queue] of [qa, qa, qa, qb, qb, qb, qa].entries()) await peer.publish({ routing_key: queue, body: { i }, declare: [{ name: queue }] });
    };
    await rr();
    const kombuRr = await peer.consume({ queues: [{ name: qa }, { name: qb }], count: 7 });
    await rr();
    const oursRr = await consumeOurs(t, [qa, qb], 7);
    assert.deepEqual(
      oursRr.deliveries.map((d) => `${d.queue}:${bodyOf(d.message).i}`),
      kombuRr.map((m) => `${m.queue}:${peerBody(m).i}`),
    );
    await oursRr.cancel();
  });

  it("(2) we publish, kombu consumes: direct, anon and topic exchanges (bindings kombu 5.7 and 5.3 wrote)", async () => {
    const q = `${P}-ours-direct`;
    await t.declareQueue({ name: q });
    const prios = [5, 0, 9, 3];
    for (const [i, p] of prios.entries()) await t.publish(outgoing(q, q, { i, p }, { priority: p, headers: { "x-i": i } }));
    const got = await peer.consume({ queues: [{ name: q }], count: 4 });
    assert.deepEqual(
      got.map((m) => peerBody(m).i),
      [1, 0, 3, 2],
    );
    for (const m of got) {
      const { i, p } = peerBody(m);
      assert.deepEqual(m.headers, { "x-i": i });
      assert.equal(m.properties["priority"], p);
      assert.deepEqual(m.delivery_info, { exchange: q, routing_key: q });
      assert.equal(m.content_type, "application/json");
    }

    const anon = `${P}-ours-anon`;
    await t.publish(outgoing("", anon, { i: 7 }, { priority: 6 }));
    assert.equal(await raw.llen(`${anon}${SEP}6`), 1);
    const anonGot = await peer.consume({ queues: [{ name: anon }], count: 1 });
    assert.equal(peerBody(anonGot[0] as PeerMessage).i, 7);

    const ex = `${P}-topic`;
    const q57 = `${P}-topic-57`;
    const q53 = `${P}-topic-53`;
    await peer.call("declare", { queues: [{ name: q57, exchange: ex, type: "topic", routing_key: "a.*.c" }] });
    const peer53 = await KombuPeer.start(URL, {}, ".venv-5.3");
    await peer53.call("declare", { queues: [{ name: q53, exchange: ex, type: "topic", routing_key: "x.*.z" }] });
    await peer53.close();
    assert.deepEqual(
      (await raw.smembers(`_kombu.binding.${ex}`)).sort(),
      [`a.*.c${SEP}${keyToPattern("a.*.c", "kombu5.7")}${SEP}${q57}`, `x.*.z${SEP}${keyToPattern("x.*.z", "kombu5.3")}${SEP}${q53}`].sort(),
    );
    await t.declareExchange({ name: ex, type: "topic" });
    for (const [i, rk] of ["a.b.c", "a.b.b.c", "x.y.z", "x.y.y.z", "nope"].entries()) await t.publish(outgoing(ex, rk, { i }));
    assert.deepEqual(
      (await peer.consume({ queues: [{ name: q57, exchange: ex, type: "topic", routing_key: "a.*.c" }], count: 2, timeout: 0.5 })).map((m) => peerBody(m).i),
      [0],
    );
    assert.deepEqual(
      (await peer.consume({ queues: [{ name: q53, exchange: ex, type: "topic", routing_key: "x.*.z" }], count: 2 })).map((m) => peerBody(m).i),
      [2, 3],
    );

    // and kombu publishing through a topic binding we wrote
    const qOurs = `${P}-topic-ours`;
    await t.declareQueue({ name: qOurs, exchange: { name: ex, type: "topic" }, routingKey: "p.#" });
    await peer.publish({ exchange: ex, type: "topic", routing_key: "p.q.r", body: { i: 42 } });
    const viaKombu = await consumeOurs(t, [qOurs], 1);
    assert.equal(bodyOf((viaKombu.deliveries[0] as Delivery).message).i, 42);
    await viaKombu.cancel();
  });

  it("(3)+(6) binding members, priority lists and unacked keys are byte-identical to kombu's, with global_keyprefix", async () => {
    const specs: PeerQueueSpec[] = [
      { name: `${P}-lay-1` },
      { name: `${P}-lay-2`, exchange: `${P}-lay-d`, type: "direct", routing_key: "rk.1" },
      { name: `${P}-lay-3`, exchange: `${P}-lay-t`, type: "topic", routing_key: "a.*.b-c.#" },
      { name: `${P}-lay-4`, exchange: `${P}-lay-f`, type: "fanout", routing_key: "" },
      { name: `${P}-lay-5`, exchange: `${P}-lay-t`, type: "topic", routing_key: "é.*" },
      { name: `${P}-lay-6`, exchange: `${P}-lay-x`, type: "direct", routing_key: "x", expires: 600 },
    ];
    const kp = await KombuPeer.start(URL, { global_keyprefix: "k:" });
    const ot = await createRedisTransport(URL, { transportOptions: { global_keyprefix: "o:" } });
    try {
      await kp.call("declare", { queues: specs });
      for (const s of specs) {
        await ot.declareQueue({
          name: s.name,
          exchange: s.exchange === undefined ? undefined : { name: s.exchange as string, type: s.type ?? "direct" },
          routingKey: s.routing_key,
          expiresMs: s.expires === undefined ? undefined : s.expires * 1000,
        });
      }
      // x-expires: LPUSH + PEXPIRE of every priority list (kombu 5.7 `_put`), binding via REFRESH_BINDING
      const q6 = specs[5] as PeerQueueSpec;
      await kp.publish({ exchange: q6.exchange as string, routing_key: "x", body: { i: 0 }, priority: 9 });
      await ot.publish(outgoing(q6.exchange as string, "x", { i: 0 }, { priority: 9 }));
      for (const prefix of ["k:", "o:"]) {
        const ttl = await raw.pttl(`${prefix}${q6.name}${SEP}9`);
        assert.ok(ttl > 590_000 && ttl <= 600_000, `${prefix} PTTL ${ttl}`);
      }
      const q1 = specs[0] as PeerQueueSpec;
      for (let p = 0; p <= 9; p++) {
        await kp.publish({ routing_key: q1.name, body: { i: p }, priority: p });
        await ot.publish(outgoing("", q1.name, { i: p }, { priority: p }));
      }
      await kp.consume({ queues: [q1], count: 1, ack: "keep" });
      await kp.abandon();
      const held = await consumeOurs(ot, [q1.name], 1, "keep");
      const keysOf = async (prefix: string): Promise<string[]> => (await raw.keys(`${prefix}*`)).map((k) => k.slice(prefix.length)).sort();
      const kombuKeys = await keysOf("k:");
      assert.deepEqual(await keysOf("o:"), kombuKeys);
      for (const expected of [
        "unacked",
        "unacked_index",
        q1.name,
        `${q1.name}${SEP}3`,
        `${q1.name}${SEP}6`,
        `${q1.name}${SEP}9`,
        `_kombu.binding.${P}-lay-t`,
        `_kombu.binding_permanent.${P}-lay-t`,
      ]) {
        assert.ok(kombuKeys.includes(expected), expected);
      }
      for (const key of kombuKeys.filter((k) => k.startsWith("_kombu."))) {
        const type = await raw.type(`k:${key}`);
        assert.equal(await raw.type(`o:${key}`), type, key);
        const members = (k: string): Promise<string[]> => (type === "zset" ? raw.zrange(k, "0", "-1") : raw.smembers(k));
        assert.deepEqual((await members(`o:${key}`)).sort(), (await members(`k:${key}`)).sort(), key);
      }
      assert.ok(kombuKeys.includes("_kombu.binding_deadlines"));
      // fanout channels carry the prefix too: kombu (k:) publishes, a transport with the same prefix receives
      const kt = await createRedisTransport(URL, { transportOptions: { global_keyprefix: "k:" } });
      const kp2 = await KombuPeer.start(URL, { global_keyprefix: "k:" });
      try {
        const got: FanoutMessage[] = [];
        const sub = await kt.subscribeFanout(`${P}-lay-f`, "#", (m) => got.push(m));
        await kp2.publish({ exchange: `${P}-lay-f`, type: "fanout", routing_key: "r.k", body: { i: 1 } });
        await waitFor(() => got.length === 1, "prefixed fanout message");
        assert.equal(got[0]?.channel, `/${DB}.${P}-lay-f/r.k`);
        await sub.cancel();
      } finally {
        await kp2.close();
        await kt.close();
      }
      await held.cancel();
    } finally {
      await ot.close();
    }
  });

  it("(4) unacked entries: ours equal kombu's byte for byte; kombu restores ours and we restore kombu's", async () => {
    const q = `${P}-unacked`;
    await peer.publish({ routing_key: q, body: { i: 1 }, headers: { h: 2.5 }, priority: 4 });
    const list = `${q}${SEP}3`;
    const envelope = (await raw.lindex(list, 0)) as string;
    const tag = (JSON.parse(envelope) as { properties: { delivery_tag: string } }).properties.delivery_tag;

    // kombu consumes without acking and dies: its entry stays; our restoreVisible puts it back, marked redelivered
    const crashing = await KombuPeer.start(URL);
    await crashing.consume({ queues: [{ name: q }], count: 1, ack: "keep" });
    await crashing.abandon();
    const kombuEntry = await raw.hget("unacked", tag);
    assert.equal(kombuEntry, `[${envelope}, "", "${q}"]`);
    assert.notEqual(await raw.zscore("unacked_index", tag), null);
    // while another process holds unacked_mutex nothing happens (kombu's MutexHeld); ours releases it after a sweep
    await raw.set("unacked_mutex", "someone-else", "PX", 5000, "NX");
    assert.deepEqual(await t.restoreVisible({ visibilityTimeout: 0.001 }), { restored: 0, failed: 0, mutexHeld: true });
    await raw.del("unacked_mutex");
    const swept = await t.restoreVisible({ visibilityTimeout: 0.001 });
    assert.deepEqual(swept, { restored: 1, failed: 0, mutexHeld: false });
    assert.equal(await raw.exists("unacked_mutex"), 0);
    assert.equal(await raw.hget("unacked", tag), null);
    assert.equal(await raw.zscore("unacked_index", tag), null);
    const restoredByUs = (await raw.lindex(list, 0)) as string;
    assert.match(restoredByUs, /"headers": \{"h": 2\.5, "redelivered": true\}/);
    assert.match(restoredByUs, /"delivery_info": \{"exchange": "", "routing_key": "[^"]+", "redelivered": true\}/);

    // the same envelope consumed by us: the entry we write is the one kombu wrote
    await raw.del(list);
    await raw.lpush(list, envelope);
    const held = await consumeOurs(t, [q], 1, "keep");
    assert.equal(await raw.hget("unacked", tag), kombuEntry);
    // kombu's restore_visible (tiny visibility_timeout) restores our entry to exactly what ours produced
    const sweeper = await KombuPeer.start(URL, { visibility_timeout: 0.2 });
    await new Promise((r) => setTimeout(r, 300));
    await sweeper.call("restore_visible");
    await sweeper.close();
    assert.equal(await raw.llen(list), 1);
    assert.equal(await raw.lindex(list, 0), restoredByUs);
    // our shutdown restore finds the entry gone (kombu took it) and pushes nothing twice
    await held.cancel();
    assert.equal(await raw.llen(list), 1);

    // reject(requeue=true) goes to the back of the queue (LPUSH: kombu's leftmost restore); ack removes both entries
    await peer.publish({ routing_key: q, body: { i: 2 }, priority: 4 });
    const seen: Delivery[] = [];
    let third!: () => void;
    const gotThree = new Promise<void>((r) => (third = r));
    const c = await t.consume(
      [q],
      (d) => {
        seen.push(d);
        void (seen.length === 1 ? d.reject(true) : d.ack());
        if (seen.length === 3) third();
      },
      { prefetch: 1 },
    );
    await Promise.race([gotThree, new Promise((r) => setTimeout(r, 5000))]);
    await c.cancel();
    assert.deepEqual(
      seen.map((d) => bodyOf(d.message).i),
      [1, 2, 1],
    );
    assert.equal(seen[2]?.message.deliveryInfo?.redelivered, true);
    assert.equal(await raw.hlen("unacked"), 0);
    assert.equal(await raw.zcard("unacked_index"), 0);
    assert.equal(await raw.llen(list), 0);
  });

  it("(4) unacked entries of a batch and of names JSON escapes (quote, backslash, non-ASCII) equal kombu's", async () => {
    for (const q of [`${P}-batch`, `${P}-"q\\é-ü`]) {
      for (let i = 0; i < 3; i++) await peer.publish({ routing_key: q, body: { i } });
      const envelopes = (await raw.lrange(q, 0, -1)) as string[];
      const tags = envelopes.map((e) => (JSON.parse(e) as { properties: { delivery_tag: string } }).properties.delivery_tag);
      const crashing = await KombuPeer.start(URL);
      await crashing.consume({ queues: [{ name: q }], count: 3, ack: "keep" });
      await crashing.abandon();
      const kombuEntries = await Promise.all(tags.map((tag) => raw.hget("unacked", tag)));
      assert.ok(
        kombuEntries.every((e) => e !== null),
        "kombu recorded every delivery",
      );
      await raw.hdel("unacked", ...tags);
      await raw.zrem("unacked_index", ...tags);

      // one fetch takes all three (prefetch 3): what it records is what kombu recorded, entry for entry
      await raw.rpush(q, ...envelopes);
      const held = await consumeOurs(t, [q], 3, "keep");
      assert.deepEqual(await Promise.all(tags.map((tag) => raw.hget("unacked", tag))), kombuEntries, q);
      for (const d of held.deliveries) await d.ack();
      await held.cancel();
      assert.equal(await raw.hlen("unacked"), 0);
      assert.equal(await raw.zcard("unacked_index"), 0);
    }
  });

  it("(5) fanout over PUB/SUB both ways, and consume() of a fanout-bound queue", async () => {
    const fx = `${P}-fx`;
    const got: FanoutMessage[] = [];
    const sub = await t.subscribeFanout(fx, "#", (m) => got.push(m));
    await peer.publish({ exchange: fx, type: "fanout", routing_key: "a.b", body: { i: 5 }, headers: { k: "v" } });
    await waitFor(() => got.length === 1, "kombu's fanout message");
    assert.equal(got[0]?.channel, `/${DB}.${fx}/a.b`);
    assert.equal(got[0]?.exchange, fx);
    assert.deepEqual(got[0]?.message.headers, { k: "v" });
    assert.equal(bodyOf((got[0] as FanoutMessage).message).i, 5);
    await sub.cancel();

    const fx2 = `${P}-fx2`;
    await peer.call("subscribe", { queues: [{ name: `${P}-fq2`, exchange: fx2, type: "fanout", routing_key: "#" }] });
    await t.declareExchange({ name: fx2, type: "fanout" });
    await t.publish(outgoing(fx2, "x.y", { i: 6 }));
    const kombuGot = await peer.call<PeerMessage[]>("drain", { count: 1, timeout: 5 });
    assert.equal(kombuGot.length, 1);
    assert.equal(peerBody(kombuGot[0] as PeerMessage).i, 6);
    assert.deepEqual(kombuGot[0]?.delivery_info, { exchange: fx2, routing_key: "x.y" });

    const fx3 = `${P}-fx3`;
    const fq3 = `${P}-fq3`;
    await t.declareQueue({ name: fq3, exchange: { name: fx3, type: "fanout" }, routingKey: "" });
    assert.deepEqual(await raw.smembers(`_kombu.binding.${fx3}`), [`${SEP}${SEP}${fq3}`]);
    const deliveries: Delivery[] = [];
    const consumer = await t.consume([fq3], (d) => deliveries.push(d), { prefetch: 0, noAck: true });
    await peer.publish({ exchange: fx3, type: "fanout", routing_key: "", body: { i: 7 } });
    await waitFor(() => deliveries.length === 1, "fanout delivery through consume()");
    assert.equal(deliveries[0]?.queue, fq3);
    await consumer.cancel();
  });

  it("purge counts like kombu's _purge and deleteQueue removes kombu's binding member", async () => {
    const q = `${P}-purge`;
    for (const p of [0, 4, 7, 9, 9]) await peer.publish({ exchange: q, type: "direct", routing_key: q, body: { p }, priority: p, declare: [{ name: q }] });
    await t.declareQueue({ name: q });
    assert.equal(await t.purge(q), 5);
    assert.equal(await raw.exists(q, `${q}${SEP}3`, `${q}${SEP}6`, `${q}${SEP}9`), 0);
    assert.equal(await raw.sismember(`_kombu.binding.${q}`, `${q}${SEP}${SEP}${q}`), 1);
    await t.deleteQueue(q);
    assert.equal(await raw.sismember(`_kombu.binding.${q}`, `${q}${SEP}${SEP}${q}`), 0);
    assert.equal(await raw.sismember(`_kombu.binding_permanent.${q}`, `${q}${SEP}${SEP}${q}`), 0);
  });

  it("key_to_pattern equals kombu 5.7's and 5.3's for awkward keys", () => {
    const keys = ["celery", "a.*.c", "#", "*.x-y", "usa.#", "é.*.ü", "a b.(c)", "x.#.y", "*", "a+b?.[z]", "tab\tkey", "😀.*"];
    for (const [venv, flavor] of [
      [".venv", "kombu5.7"],
      [".venv-5.3", "kombu5.3"],
    ] as const) {
      const out = execFileSync(
        path.join(ROOT, venv, "bin/python"),
        [
          "-c",
          "import json,sys\nfrom kombu.transport.virtual.exchange import TopicExchange\nt=TopicExchange(None)\nprint(json.dumps([t.key_to_pattern(k) for k in json.loads(sys.argv[1])]))",
          JSON.stringify(keys),
        ],
        { encoding: "utf8" },
      );
      assert.deepEqual(
        keys.map((k) => keyToPattern(k, flavor)),
        JSON.parse(out),
        flavor,
      );
    }
  });

  it("reported no background errors", () => {
    assert.deepEqual(errors, []);
  });
});
