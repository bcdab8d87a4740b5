// RedisResultStore (through the SDK's RedisResultBackend) against a real Redis (CELERY_PROTO_REDIS_URL, db 13, unique keys): the SETEX + PUBLISH write,
// SUCCESS never overwritten, expiries, and the chord counter script (order, claim, duplicates, done marker, extra
// size, failed parts, saved complex headers, unordered mode, publish errors). Python interop is in
// conformance/tests/worker-outcomes-redis.test.ts and worker-outcomes-rpc.test.ts.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { RecordingTaskSender } from "../../sdk/src/canvas/recording-task-sender.js";
import { group } from "../../sdk/src/canvas/group.js";
import { setOptions } from "../../sdk/src/canvas/set-options.js";
import { toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import { taskRef } from "../../sdk/src/canvas/task-ref.js";
import type { SendTaskOptions } from "../../sdk/src/client/send-task-options.js";
import { decodeKombuJson, encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import type { Signature as SignatureDict } from "../../sdk/src/gen/json-schema/types.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { decodeRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { RedisResultBackend } from "../../sdk/src/results/redis-result-backend.js";
import type { RedisResultBackendOptions } from "../../sdk/src/results/redis-result-backend-options.js";
import { createOutcomeRecorder } from "../src/outcomes/create-outcome-recorder.js";
import { RedisResultStore } from "../src/outcomes/redis-result-store.js";
import { registeredTask, requestFromMessage } from "./outcomes-helpers.js";
import type { ResultContext } from "../src/outcomes/result-context.js";

const URL = `${(process.env["CELERY_PROTO_REDIS_URL"] ?? "redis://127.0.0.1:6391").replace(/\/\d*$/, "")}/13`;
const xsum = taskRef("conformance.xsum");

let redis: Redis;
let store: RedisResultStore;
const backends: RedisResultBackend[] = [];

/** A store on a backend of its own (closed after the tests), as a worker wires them. */
function openStore(options: RedisResultBackendOptions = {}, resultExtended = false): RedisResultStore {
  const backend = new RedisResultBackend(URL, options);
  backends.push(backend);
  return new RedisResultStore({ backend, resultExtended });
}

before(() => {
  redis = new Redis(URL);
  store = openStore({}, true);
});

after(async () => {
  await Promise.all(backends.map((b) => b.close()));
  await redis.quit();
});

function part(id: string, groupId: string, groupIndex: number | null, chord: SignatureDict): ResultContext {
  return {
    id,
    groupId,
    groupIndex,
    parentId: null,
    task: "conformance.add",
    args: [],
    kwargs: {},
    hostname: "h",
    retries: 0,
    queue: "celery",
    stamps: {},
    stampedHeaders: [],
    replyTo: null,
    correlationId: null,
    chord,
  };
}

function body(extra: Parameters<typeof setOptions>[1] = {}): { id: string; dict: SignatureDict } {
  const id = randomUUID();
  return { id, dict: toSignatureDict(setOptions(xsum.s(), { id, ...extra })) };
}

/** Celery's `set_chord_size`: DEL `.c`, SET `.s` EX chord_expires. */
async function setChordSize(gid: string, size: number): Promise<void> {
  await redis.del(`celery-taskset-meta-${gid}.c`);
  await redis.set(`celery-taskset-meta-${gid}.s`, String(size), "EX", 86400);
}

async function meta(id: string): Promise<Record<string, unknown> | null> {
  const text = await redis.get(`celery-task-meta-${id}`);
  return text === null ? null : (decodeKombuJson(text) as Record<string, unknown>);
}

describe("RedisResultStore writes", () => {
  it("SETEX 86400 + PUBLISH of the same text; FAILURE gets failureExpiresSeconds; 0 = no expiry", async () => {
    const id = randomUUID();
    const sub = new Redis(URL);
    const heard = new Promise<string>((resolve) => sub.on("message", (_c: string, text: string) => resolve(text)));
    await sub.subscribe(`celery-task-meta-${id}`);
    await store.storeResult({ taskId: id, state: "SUCCESS", result: [1, "a"], traceback: null, context: null, children: [] });
    const text = await redis.get(`celery-task-meta-${id}`);
    assert.equal(await heard, text);
    assert.equal(await redis.ttl(`celery-task-meta-${id}`), 86400);
    await sub.quit();

    const custom = openStore({ failureExpiresSeconds: 60, resultExpiresSeconds: 0 });
    const failed = randomUUID();
    const kept = randomUUID();
    await custom.storeResult({
      taskId: failed,
      state: "FAILURE",
      result: { exc_type: "ValueError", exc_message: ["x"], exc_module: "builtins" },
      traceback: "tb",
      context: null,
      children: [],
    });
    await custom.storeResult({ taskId: kept, state: "STARTED", result: { pid: 1, hostname: "h" }, traceback: null, context: null, children: [] });
    assert.equal(await redis.ttl(`celery-task-meta-${failed}`), 60);
    assert.equal(await redis.ttl(`celery-task-meta-${kept}`), -1);
    await redis.del(`celery-task-meta-${kept}`);
  });

  it("a stored SUCCESS is never overwritten", async () => {
    const id = randomUUID();
    await store.storeResult({ taskId: id, state: "SUCCESS", result: 1, traceback: null, context: null, children: [] });
    await store.storeResult({ taskId: id, state: "FAILURE", result: null, traceback: null, context: null, children: [] });
    assert.equal((await meta(id))?.["status"], "SUCCESS");
    assert.equal(await store.getStatus(id), "SUCCESS");
    assert.equal(await store.getStatus(randomUUID()), "PENDING");
    // A stored text Redis's cjson cannot decode (a lone surrogate, as Python's json writes it) takes the GET +
    // MULTI path: SUCCESS still kept, anything else still replaced.
    const surrogate = randomUUID();
    await redis.set(`celery-task-meta-${surrogate}`, '{"status": "SUCCESS", "result": "\\ud800", "task_id": "x"}');
    await store.storeResult({ taskId: surrogate, state: "FAILURE", result: null, traceback: null, context: null, children: [] });
    assert.equal((await meta(surrogate))?.["status"], "SUCCESS");
    await redis.set(`celery-task-meta-${surrogate}`, '{"status": "STARTED", "result": "\\ud800", "task_id": "x"}');
    await store.storeResult({ taskId: surrogate, state: "SUCCESS", result: 2, traceback: null, context: null, children: [] });
    const replaced = await meta(surrogate);
    assert.equal(replaced?.["status"], "SUCCESS");
    assert.equal(replaced?.["result"], 2);
    assert.equal(await redis.ttl(`celery-task-meta-${surrogate}`), 86400);
  });
});

describe("RedisResultStore chord counting (Celery 5.7's script)", () => {
  it("parts out of order: the body is applied once, with the results in group_index order; then done", async () => {
    const gid = randomUUID();
    const b = body();
    await setChordSize(gid, 4);
    const sender = new RecordingTaskSender();
    for (const index of [3, 1, 0, 2]) await store.onChordPartReturn(part(randomUUID(), gid, index, b.dict), "SUCCESS", index * 10, sender);
    assert.deepEqual(
      sender.sent.map((s) => [s.id, s.name, s.args]),
      [[b.id, "conformance.xsum", [[0, 10, 20, 30]]]],
    );
    assert.equal(await redis.get(`celery-taskset-meta-${gid}.c`), "done");
    assert.ok((await redis.ttl(`celery-taskset-meta-${gid}.c`)) > 290);
    assert.equal(await redis.exists(`celery-taskset-meta-${gid}.j`, `celery-taskset-meta-${gid}.s`, `celery-taskset-meta-${gid}.d`), 0);
    await store.onChordPartReturn(part(randomUUID(), gid, 0, b.dict), "SUCCESS", 0, sender);
    assert.equal(sender.sent.length, 1, "a late duplicate after done does nothing");
  });

  it("through the recorder: the body message is worker-chord-body's (group set, no index, parent = last part)", async () => {
    const gid = randomUUID();
    const b = body({ groupId: gid, replyTo: "client-oid" });
    await setChordSize(gid, 2);
    const sender = new RecordingTaskSender("worker-oid");
    const recorder = createOutcomeRecorder({ sender, store });
    const parts = [0, 1].map((i) =>
      requestFromMessage(createTaskMessage({ task: "conformance.add", args: [i + 1, i + 1], groupId: gid, groupIndex: i, chord: b.dict })),
    );
    for (const request of parts) await recorder.succeeded(request, registeredTask("conformance.add"), (request.args[0] as number) * 2, 0);
    const sent = sender.sent[0]!;
    const message = createTaskMessage({ ...sent.options, task: sent.name, args: sent.args, kwargs: sent.kwargs });
    assert.deepEqual(
      [message.headers.parent_id, message.headers.root_id, message.headers.group, message.headers.group_index],
      [parts[1]!.id, parts[1]!.id, gid, null],
    );
    const vector = parsePythonJson(
      readFileSync(path.resolve(import.meta.dirname, "../../conformance/vectors/5.7.0/redis/worker-chord-body.json"), "utf8"),
    ) as unknown as { messages: Array<{ raw: string }> };
    const expected = decodeRedisEnvelope(vector.messages[0]!.raw);
    const mask = (h: object) =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, ["id", "root_id", "parent_id", "group", "origin"].includes(k) ? typeof v : v]));
    assert.deepEqual(mask(message.headers), mask(expected.headers));
    assert.deepEqual(message.embed, expected.embed);
    assert.equal(message.properties.reply_to, "client-oid");
  });

  it("concurrent parts from separate connections: exactly one dispatch", async () => {
    const gid = randomUUID();
    const b = body();
    await setChordSize(gid, 8);
    const other = openStore();
    const sender = new RecordingTaskSender();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).onChordPartReturn(part(randomUUID(), gid, i, b.dict), "SUCCESS", i, sender)),
    );
    assert.equal(sender.sent.length, 1);
    assert.deepEqual(sender.sent[0]!.args, [[0, 1, 2, 3, 4, 5, 6, 7]]);
  });

  it("a redelivered part counts once (same id and index), even with another result; `.t` adds to the size", async () => {
    const gid = randomUUID();
    const b = body();
    await setChordSize(gid, 2);
    const sender = new RecordingTaskSender();
    const first = randomUUID();
    await store.onChordPartReturn(part(first, gid, 0, b.dict), "SUCCESS", 1, sender);
    await store.onChordPartReturn(part(first, gid, 0, b.dict), "SUCCESS", 99, sender);
    assert.equal(await redis.zcard(`celery-taskset-meta-${gid}.j`), 1);
    await redis.incr(`celery-taskset-meta-${gid}.t`);
    await store.onChordPartReturn(part(randomUUID(), gid, 1, b.dict), "SUCCESS", 2, sender);
    assert.equal(sender.sent.length, 0, "size 2 + 1 added: not complete at 2");
    await store.onChordPartReturn(part(randomUUID(), gid, null, b.dict), "SUCCESS", 3, sender);
    assert.deepEqual(sender.sent[0]!.args, [[1, 2, 3]], "group_index null scores +inf (last)");
  });

  it("a failed part: ChordError('Dependency <id> raised ValueError(...)') on the body, its errbacks published, `.s` deleted", async () => {
    const gid = randomUUID();
    const b = body({ linkError: taskRef("conformance.record_errback").s() });
    await setChordSize(gid, 2);
    const sender = new RecordingTaskSender();
    const bad = randomUUID();
    await store.onChordPartReturn(part(bad, gid, 1, b.dict), "FAILURE", { exc_type: "ValueError", exc_message: ["boom"], exc_module: "builtins" }, sender);
    await store.onChordPartReturn(part(randomUUID(), gid, 0, b.dict), "SUCCESS", 1, sender);
    const stored = await meta(b.id);
    assert.equal(stored?.["status"], "FAILURE");
    assert.deepEqual(stored?.["result"], {
      exc_type: "ChordError",
      exc_message: [`Dependency ${bad} raised ValueError('boom')`],
      exc_module: "celery.exceptions",
    });
    assert.deepEqual(
      sender.sent.map((s) => [s.name, s.args, s.options.parentId]),
      [["conformance.record_errback", [b.id], b.id]],
    );
    assert.equal(await redis.exists(`celery-taskset-meta-${gid}.s`), 0);
  });

  it("a group body (5.6+): each member failed with the original exception after its errbacks, the group id too, members revoked", async () => {
    const gid = randomUUID();
    const [m1, m2, groupBodyId] = [randomUUID(), randomUUID(), randomUUID()];
    const members = [setOptions(xsum.s(), { id: m1 }), setOptions(xsum.s(), { id: m2, linkError: taskRef("conformance.noop").si() })];
    const groupBody = toSignatureDict(setOptions(group(members), { id: groupBodyId, linkError: taskRef("conformance.record_errback").s() }));
    await setChordSize(gid, 1);
    const sender = new RecordingTaskSender();
    const bad = randomUUID();
    await store.onChordPartReturn(part(bad, gid, 0, groupBody), "FAILURE", { exc_type: "ValueError", exc_message: ["boom"], exc_module: "builtins" }, sender);
    for (const id of [m1, m2, groupBodyId])
      assert.deepEqual((await meta(id))?.["result"], { exc_type: "ValueError", exc_message: ["boom"], exc_module: "builtins" }, id);
    assert.deepEqual(
      sender.sent.map((s) => [s.name, s.args]),
      [
        ["conformance.record_errback", [m1]],
        ["conformance.noop", []],
        ["conformance.record_errback", [m2]],
      ],
    );
    assert.deepEqual(sender.broadcasts, [{ method: "revoke", args: { task_id: [m1, m2], terminate: false, signal: null } }]);
  });

  it("a saved complex header (a group member) is joined: nested results as lists", async () => {
    const gid = randomUUID();
    const [t1, t2, t3, inner] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await redis.set(
      `celery-taskset-meta-${gid}`,
      encodeKombuJson({
        result: [
          [gid, null],
          [
            [[t1, null], null],
            [
              [inner, null],
              [
                [[t2, null], null],
                [[t3, null], null],
              ],
            ],
          ],
        ],
      }),
    );
    for (const [id, value] of [
      [t1, 1],
      [t2, 2],
      [t3, 3],
    ] as const)
      await store.storeResult({ taskId: id, state: "SUCCESS", result: value, traceback: null, context: null, children: [] });
    const b = body();
    await setChordSize(gid, 2);
    const sender = new RecordingTaskSender();
    await store.onChordPartReturn(part(t1, gid, 0, b.dict), "SUCCESS", 1, sender);
    await store.onChordPartReturn(part(inner, gid, 1, b.dict), "SUCCESS", [2, 3], sender);
    assert.deepEqual(sender.sent[0]!.args, [[1, [2, 3]]]);
  });

  it("result_chord_ordered=False keeps a list (RPUSH) in arrival order", async () => {
    const unordered = openStore({ chordOrdered: false });
    const gid = randomUUID();
    const b = body();
    await setChordSize(gid, 2);
    const sender = new RecordingTaskSender();
    await unordered.onChordPartReturn(part(randomUUID(), gid, 1, b.dict), "SUCCESS", "b", sender);
    assert.equal(await redis.type(`celery-taskset-meta-${gid}.j`), "list");
    await unordered.onChordPartReturn(part(randomUUID(), gid, 0, b.dict), "SUCCESS", "a", sender);
    assert.deepEqual(sender.sent[0]!.args, [["b", "a"]]);
  });

  it("a body that cannot be published: ChordError('Callback error: ...') stored on the body, chord cleaned up", async () => {
    const gid = randomUUID();
    const b = body();
    await setChordSize(gid, 1);
    const sender = new RecordingTaskSender();
    const failing = Object.assign(Object.create(sender) as RecordingTaskSender, {
      sendTask: async (_n: string, _a: readonly unknown[], _k: Readonly<Record<string, unknown>>, _o: SendTaskOptions): Promise<string> => {
        throw new Error("broker down");
      },
    });
    await store.onChordPartReturn(part(randomUUID(), gid, 0, b.dict), "SUCCESS", 1, failing);
    assert.deepEqual((await meta(b.id))?.["result"], {
      exc_type: "ChordError",
      exc_message: ["Callback error: Exception('broker down')"],
      exc_module: "celery.exceptions",
    });
    assert.equal(await redis.get(`celery-taskset-meta-${gid}.c`), "done");
  });
});
