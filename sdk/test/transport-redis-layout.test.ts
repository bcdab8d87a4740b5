// Pure parts of the Redis transport: kombu's key names, priority lists, topic patterns, JSON round trip, URLs, options.
// Expected values were produced by kombu 5.7 / 5.3 (conformance/tests/transport-redis-kombu.test.ts re-checks them live).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { compileRedisOptions } from "../src/transport/redis/compile-redis-options.js";
import { parseRedisUrl } from "../src/transport/redis/parse-redis-url.js";
import { dumpPythonJson, loadPythonJson } from "../src/transport/redis/python-json-tree.js";
import { createQueueCycle } from "../src/transport/redis/queue-cycle.js";
import { priorityStep, readMessagePriority } from "../src/transport/redis/read-message-priority.js";
import { createRedisKeyLayout } from "../src/transport/redis/redis-key-layout.js";
import { compileTopicPattern, keyToPattern } from "../src/transport/redis/topic-pattern.js";
import { decodeUnackedEntry, encodeUnackedText, entryFromEnvelope, markRedelivered } from "../src/transport/redis/unacked-entry.js";

const SEP = "\x06\x16";

describe("priority lists (kombu _q_for_pri)", () => {
  it("clamps with Python int() and bisects on the steps", () => {
    const cases: [unknown, number][] = [
      [0, 0],
      [2, 0],
      [3, 3],
      [5, 3],
      [6, 6],
      [8, 6],
      [9, 9],
      [10, 9],
      [-4, 0],
      [4.9, 3],
      [true, 0],
      ["7", 6],
      [" 1_0 ", 9],
      ["x", 0],
      [null, 0],
      [undefined, 0],
      [NaN, 0],
    ];
    for (const [input, step] of cases) assert.equal(priorityStep([0, 3, 6, 9], readMessagePriority(input)), step, String(input));
  });
  it("uses Python's steps[-1] below the first step", () => {
    assert.equal(priorityStep([2, 5], 0), 5);
    assert.equal(priorityStep([2, 5], 3), 2);
  });
  it("names lists queue, queue\\x06\\x163, ... and orders BRPOP keys step-major", () => {
    const layout = createRedisKeyLayout(compileRedisOptions(), 0);
    assert.equal(layout.listFor("celery", 0), "celery");
    assert.equal(layout.listFor("celery", 4), `celery${SEP}3`);
    assert.equal(layout.listFor("celery", 9), `celery${SEP}9`);
    assert.deepEqual(layout.brpopKeys(["a", "b"]), ["a", "b", `a${SEP}3`, `b${SEP}3`, `a${SEP}6`, `b${SEP}6`, `a${SEP}9`, `b${SEP}9`]);
    assert.equal(layout.queueFromListKey(`celery${SEP}6`), "celery");
    assert.equal(layout.queueFromListKey(`a${SEP}b${SEP}3`), `a${SEP}b`);
  });
});

describe("key layout with global_keyprefix and fanout prefixes", () => {
  it("prefixes every key and channel, formats {db}", () => {
    const layout = createRedisKeyLayout(compileRedisOptions({ transportOptions: { global_keyprefix: "p_" } }), 5);
    assert.equal(layout.listFor("q", 6), `p_q${SEP}6`);
    assert.equal(layout.bindingKey("celery"), "p__kombu.binding.celery");
    assert.equal(layout.bindingPermanentKey("celery"), "p__kombu.binding_permanent.celery");
    assert.equal(layout.unackedKey, "p_unacked");
    assert.equal(layout.unackedIndexKey, "p_unacked_index");
    assert.equal(layout.unackedMutexKey, "p_unacked_mutex");
    assert.equal(layout.fanoutChannel("celeryev", "task.succeeded"), "p_/5.celeryev/task.succeeded");
    assert.equal(layout.fanoutChannel("celery.pidbox", ""), "p_/5.celery.pidbox");
    assert.equal(layout.fanoutPattern("celeryev", "#"), "p_/5.celeryev/*");
    assert.equal(layout.exchangeFromChannel("p_/5.celeryev/task.succeeded"), "celeryev");
    assert.equal(layout.queueFromListKey(`p_q${SEP}6`), "q");
    assert.equal(layout.bindingMember("celery", "", "celery"), `celery${SEP}${SEP}celery`);
  });
  it("supports fanout_prefix false, custom strings and fanout_patterns false", () => {
    const off = createRedisKeyLayout(compileRedisOptions({ transportOptions: { fanout_prefix: false, fanout_patterns: false } }), 0);
    assert.equal(off.fanoutChannel("celeryev", "task.x"), "celeryev");
    assert.equal(off.exchangeFromChannel("celeryev"), "celeryev");
    const custom = createRedisKeyLayout(compileRedisOptions({ transportOptions: { fanout_prefix: "/x{db}{{." } }), 3);
    assert.equal(custom.fanoutChannel("e", "k"), "/x3{.e/k");
    assert.throws(
      () => compileRedisOptions({ transportOptions: { fanout_prefix: "/{host}." } }),
      (e) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });
});

describe("topic patterns (kombu key_to_pattern)", () => {
  it("writes kombu 5.7's patterns, or 5.3's on request", () => {
    const expected: [string, string][] = [
      ["celery", "^celery$"],
      ["a.*.c", "^a\\.[^\\.]+\\.c$"],
      ["#", "^.*?$"],
      ["*.x-y", "^[^\\.]+\\.x\\-y$"],
      ["usa.#", "^usa\\..*?$"],
      ["é.*.ü", "^é\\.[^\\.]+\\.ü$"],
      ["a\x00b", "^a\\000b$"],
      ["x.#.y", "^x\\..*?\\.y$"],
    ];
    for (const [key, pattern] of expected) assert.equal(keyToPattern(key), pattern, key);
    assert.equal(keyToPattern("a.*.c", "kombu5.3"), "^a\\..*?[^\\.]\\.c$");
  });
  it("matches like Python re.match, for both flavors", () => {
    // kombu <= 5.6's `.*?[^\.]` lets `*` span words (fixed in 5.7): only that row differs.
    const cases: [string, string, boolean | { "kombu5.7": boolean; "kombu5.3": boolean }][] = [
      ["a.*.c", "a.b.c", true],
      ["a.*.c", "a.b.b.c", { "kombu5.7": false, "kombu5.3": true }],
      ["a.*.c", "a..c", false],
      ["usa.#", "usa.news.x", true],
      ["usa.#", "usa", false],
      ["#", "", true],
      ["x-y.*", "x-y.z", true],
      ["a.*", "a.b\n", true],
      ["a.*", "a.b\n\n", true],
      ["a.#", "a.b\nc", false],
      ["#", "\n", true],
      ["a.b", "a.b\n", true],
    ];
    for (const flavor of ["kombu5.7", "kombu5.3"] as const) {
      for (const [key, rk, match] of cases) {
        const re = compileTopicPattern(keyToPattern(key, flavor));
        assert.ok(re !== null);
        assert.equal(re.test(rk), typeof match === "boolean" ? match : match[flavor], `${flavor} ${key} ~ ${JSON.stringify(rk)}`);
      }
    }
  });
});

describe("Python JSON round trip (kombu dumps(loads(x)))", () => {
  it("keeps floats, key order and big ints; writes Python separators and ensure_ascii", () => {
    const text = '{"b":1.0,"a":[1,2.5,1e16,-0,123456789012345678901234567890],"s":"é\\u2603","n":null,"t":true}';
    assert.equal(
      dumpPythonJson(loadPythonJson(text)),
      '{"b": 1.0, "a": [1, 2.5, 1e+16, 0, 123456789012345678901234567890], "s": "\\u00e9\\u2603", "n": null, "t": true}',
    );
    assert.equal(dumpPythonJson(loadPythonJson('{"__value__": "x", "__type__": "bytes"}')), '{"__type__": "bytes", "__value__": "x"}');
    assert.equal(dumpPythonJson(loadPythonJson('{"a": 1, "a": 2, "b": 3}')), '{"a": 2, "b": 3}');
  });
  it("builds kombu's unacked triple and redelivered marks", () => {
    const envelope =
      '{"body": "e30=", "headers": {"x": 1.5}, "properties": {"delivery_info": {"exchange": "e", "routing_key": "k"}, "priority": 0, "delivery_tag": "t"}}';
    const entry = entryFromEnvelope(envelope, "q");
    assert.deepEqual([entry.exchange, entry.routingKey], ["e", "k"]);
    // kombu's QoS.append writes dumps([loads(envelope), EX, RK]); for a kombu-written envelope that is the text as popped.
    const stored = encodeUnackedText(envelope, entry.exchange, entry.routingKey);
    assert.equal(stored, dumpPythonJson([entry.payload, "e", "k"]));
    assert.equal(stored, `[${envelope}, "e", "k"]`);
    const back = decodeUnackedEntry(stored);
    assert.equal(back.exchange, "e");
    assert.ok(markRedelivered(back.payload));
    assert.equal(
      dumpPythonJson(back.payload),
      '{"body": "e30=", "headers": {"x": 1.5, "redelivered": true}, "properties": {"delivery_info": {"exchange": "e", "routing_key": "k", "redelivered": true}, "priority": 0, "delivery_tag": "t"}}',
    );
    assert.equal(markRedelivered(loadPythonJson('{"headers": null}')), false);
  });
});

describe("broker URLs as Celery users write them", () => {
  it("parses redis, rediss, sockets, sentinels and failover lists", () => {
    const plain = parseRedisUrl("redis://:p%40ss@example.com:6380/3");
    assert.equal(plain.kind, "servers");
    if (plain.kind !== "servers") return;
    assert.deepEqual(
      { ...plain.servers[0] },
      { kind: "tcp", host: "example.com", port: 6380, path: "", username: null, password: "p@ss", db: 3, tls: null, connectTimeout: null },
    );
    const user = parseRedisUrl("redis://u:pw@h");
    assert.equal(user.kind === "servers" && user.servers[0]?.username, "u");
    const tls = parseRedisUrl("rediss://h:6379/0?ssl_cert_reqs=CERT_NONE");
    assert.equal(tls.kind === "servers" && tls.servers[0]?.tls?.rejectUnauthorized, false);
    const secure = parseRedisUrl("rediss://h");
    assert.equal(secure.kind === "servers" && secure.servers[0]?.tls?.rejectUnauthorized, true);
    const sock = parseRedisUrl("redis+socket:///tmp/r.sock?virtual_host=2");
    assert.equal(sock.kind === "servers" && sock.servers[0]?.path, "/tmp/r.sock");
    assert.equal(sock.db, 2);
    const unix = parseRedisUrl("unix://:pw@/var/run/redis.sock?db=4");
    assert.ok(unix.kind === "servers" && unix.servers[0]?.path === "/var/run/redis.sock" && unix.servers[0].password === "pw" && unix.db === 4);
    const failover = parseRedisUrl("redis://a:1/0; redis://b:2/0");
    assert.deepEqual(failover.kind === "servers" && failover.servers.map((s) => `${s.host}:${s.port}`), ["a:1", "b:2"]);
    const sentinel = parseRedisUrl("sentinel://:pw@s1:26379/1;sentinel://s2");
    assert.ok(sentinel.kind === "sentinel");
    assert.deepEqual(sentinel.sentinels, [
      { host: "s1", port: 26379 },
      { host: "s2", port: 26379 },
    ]);
    assert.equal(sentinel.password, "pw");
    assert.equal(sentinel.db, 1);
  });
  it("refuses what kombu refuses, naming the problem", () => {
    for (const bad of ["amqp://h", "redis://h/x", "redis://h/0?bogus=1", "rediss://h?ssl_cert_reqs=maybe", "sentinel://a;redis://b"]) {
      assert.throws(
        () => parseRedisUrl(bad),
        (e) => CeleryProtoError.is(e, "InvalidOption"),
        bad,
      );
    }
  });
});

describe("options", () => {
  it("applies kombu's defaults", () => {
    const o = compileRedisOptions();
    assert.equal(o.sep, SEP);
    assert.deepEqual(o.prioritySteps, [0, 3, 6, 9]);
    assert.equal(o.visibilityTimeout, 3600);
    assert.equal(o.unackedKey, "unacked");
    assert.equal(o.queueOrderStrategy, "round_robin");
    assert.equal(o.maxBufferedPublishes, 1000);
    assert.ok(Object.isFrozen(o));
  });
  it("rejects unknown or broken options by name", () => {
    const bad: Parameters<typeof compileRedisOptions>[0][] = [
      { transportOptions: { priority_steps: [3, 0] } },
      { transportOptions: { sep: "" } },
      { transportOptions: { ack_emulation: false } },
      { transportOptions: { visibility_timeout: 0 } },
      { transportOptions: { bogus: 1 } as never },
      { maxBufferedPublishes: -1 },
    ];
    for (const options of bad)
      assert.throws(
        () => compileRedisOptions(options),
        (e) => CeleryProtoError.is(e, "InvalidOption"),
        JSON.stringify(options),
      );
  });
});

describe("queue cycles (kombu scheduling)", () => {
  it("round_robin moves the served queue to the end; priority keeps order; sorted sorts", () => {
    const rr = createQueueCycle("round_robin", ["a", "b", "c"]);
    rr.rotate("a");
    assert.deepEqual(rr.current(), ["b", "c", "a"]);
    rr.rotate("c");
    assert.deepEqual(rr.current(), ["b", "a", "c"]);
    const pr = createQueueCycle("priority", ["b", "a"]);
    pr.rotate("b");
    assert.deepEqual(pr.current(), ["b", "a"]);
    assert.deepEqual(createQueueCycle("sorted", ["b", "a", "B"]).current(), ["B", "a", "b"]);
  });
});
