// Canvases built and published by sdk/src/canvas (codec + raw LPUSH, no SDK transport) run by a REAL Python Celery
// worker (prefork, concurrency 2) over Redis (broker db 18, results db 19), results read with the SDK's
// RedisResultBackend: what the conformance case format cannot say (a chain's result parents, the chord size written
// before the last header task, chunks, map/starmap, the failing step's own FAILURE), a TS-built signature as the link
// of a task Python publishes, and Python-built signature dicts inside a TS chain. The rest runs as conformance cases
// (conformance/cases/ts-to-celery.yaml: chain, group-of-10, chord-of-10, chain-with-chord, chain-from-group, link,
// link-error, chain-failing-step), on Celery 5.7 in conformance-runner.test.ts and on 5.3-5.7 in
// conformance-matrix.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { applyAsync, applyCanvas } from "../../sdk/src/canvas/apply-async.js";
import { chain } from "../../sdk/src/canvas/chain.js";
import { chord } from "../../sdk/src/canvas/chord.js";
import { chunks } from "../../sdk/src/canvas/chunks.js";
import { map, starmap } from "../../sdk/src/canvas/map-signatures.js";
import { setOptions } from "../../sdk/src/canvas/set-options.js";
import { fromSignatureDict, toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import { taskRef } from "../../sdk/src/canvas/task-ref.js";
import { RemoteTaskError } from "../../sdk/src/codec/exceptions/remote-task-error.js";
import { AsyncResult } from "../../sdk/src/results/async-result.js";
import { GroupResult } from "../../sdk/src/results/group-result.js";
import { RedisResultBackend } from "../../sdk/src/results/redis-result-backend.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { CodecTaskSender } from "../harness/codec-task-sender.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawRedisPublisher } from "../harness/raw-publisher.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER = redisDbUrl(18);
const RESULTS = redisDbUrl(19);
const VENVS = [".venv", ".venv-5.3"] as const;
const WAIT = { timeoutMs: 30_000 };

const add = taskRef("conformance.add");
const mul = taskRef("conformance.mul");
const xsum = taskRef("conformance.xsum");
const fail = taskRef("conformance.fail");

/** The SDK's Redis backend, also logging `setChordSize` calls next to the sender's publishes. */
class LoggingRedisBackend extends RedisResultBackend {
  readonly chordSizes: Array<{ readonly groupId: string; readonly size: number; readonly afterSends: number }> = [];
  sender: CodecTaskSender | null = null;
  override async setChordSize(groupId: string, size: number): Promise<void> {
    this.chordSizes.push({ groupId, size, afterSends: this.sender?.sent.length ?? 0 });
    await super.setChordSize(groupId, size);
  }
}

/** Runs a Python snippet (in `venv`) with the conformance app bound to this test's broker, backend and queue. */
function python(venv: string, queue: string, code: string, ...args: string[]): string {
  const prelude = [
    "import json, sys",
    "from kombu.utils.json import dumps",
    "from conformance_app import create_app",
    "app = create_app(broker_url=sys.argv[1], result_backend=sys.argv[2], queue=sys.argv[3])",
  ].join("\n");
  return execFileSync(path.join(ROOT, venv, "bin/python"), ["-c", `${prelude}\n${code}`, BROKER, RESULTS, queue, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python") },
  }).trim();
}

before(async () => {
  const admin = new RawRedisPublisher(BROKER);
  await admin.redis.flushdb();
  await admin.redis.select(19);
  await admin.redis.flushdb();
  await admin.close();
});

for (const venv of VENVS)
  describe(`canvas → real Python Celery worker from ${venv} (Redis)`, { timeout: 120_000 }, () => {
    const queue = `t-canvas-${process.pid}-${venv === ".venv" ? "57" : "53"}`;
    let worker: PythonWorker;
    let backend: LoggingRedisBackend;
    let sender: CodecTaskSender;

    before(async () => {
      backend = new LoggingRedisBackend(RESULTS);
      sender = new CodecTaskSender(BROKER, backend, queue);
      backend.sender = sender;
      worker = await PythonWorker.start({ brokerUrl: BROKER, resultBackend: RESULTS, queue, venv, pool: "prefork", concurrency: 2 });
    });

    after(async () => {
      await worker?.stop();
      await sender?.close();
    });

    it("chain(add(1, 2), mul(3), add(4)) = 13; the result's parents are the earlier steps", async () => {
      const result = await applyAsync(chain(add.s(1, 2), mul.s(3), add.s(4)), sender);
      assert.ok(result instanceof AsyncResult);
      assert.equal(await result.get(WAIT), 13);
      assert.equal(await result.parent?.get(WAIT), 9);
      assert.equal(await result.parent?.parent?.get(WAIT), 3);
      assert.equal(sender.sent.filter((s) => s.id === result.parent?.parent?.id).length, 1, "only the first step is published by us");
      // The worker published the later steps with root_id = the first task and parent_id = the previous one.
      const last = await backend.getMeta(result.id);
      assert.equal(last.status, "SUCCESS");
    });

    it("chord(group of 10 adds, xsum) = 90, the chord size written before the last header task", async () => {
      const before = sender.sent.length;
      const applied = await applyCanvas(
        chord(
          Array.from({ length: 10 }, (_, i) => add.s(i, i)),
          xsum.s(),
        ),
        sender,
      );
      assert.equal(await applied.result.get(WAIT), 90);
      const header = applied.frozen.parent;
      assert.equal(header?.type, "group");
      assert.deepEqual(backend.chordSizes.at(-1), { groupId: header?.id, size: 10, afterSends: before + 9 });
    });

    it("chunks: 10 pairs in chunks of 3 → 4 celery.starmap tasks", async () => {
      const pairs = Array.from({ length: 10 }, (_, i) => [i, i]);
      const result = await applyAsync(chunks(add.s(), pairs, 3), sender);
      assert.ok(result instanceof GroupResult);
      assert.deepEqual(await result.get(WAIT), [[0, 2, 4], [6, 8, 10], [12, 14, 16], [18]]);
    });

    it("map and starmap run in one built-in task each", async () => {
      const mapped = await applyAsync(
        map(xsum.s(), [
          [1, 2],
          [3, 4],
        ]),
        sender,
      );
      const starmapped = await applyAsync(
        starmap(add.s(), [
          [1, 2],
          [3, 4],
        ]),
        sender,
      );
      assert.deepEqual(await mapped.get(WAIT), [3, 7]);
      assert.deepEqual(await starmapped.get(WAIT), [3, 7]);
    });

    it("a failing step fails the chain: the failing step (the last step's parent) is stored as FAILURE", async () => {
      const result = await applyAsync(chain(add.s(1, 1), fail.s(), add.s(1)), sender);
      await assert.rejects(result.get(WAIT), (e: unknown) => RemoteTaskError.is(e) && e.excType === "ValueError");
      assert.equal((await backend.waitForReady(result.parent?.id ?? "", WAIT)).status, "FAILURE");
    });

    it("a TS-built signature is the link of a task Python publishes (app.signature(dict))", async () => {
      const callbackId = crypto.randomUUID();
      const tsCallback = toSignatureDict(setOptions(mul.s(10), { id: callbackId }));
      const pyId = python(
        venv,
        queue,
        "r = app.tasks['conformance.add'].apply_async((2, 3), link=app.signature(json.loads(sys.argv[4])))\nprint(r.id)",
        JSON.stringify(tsCallback),
      );
      assert.equal(await new AsyncResult(pyId, sender).get(WAIT), 5);
      assert.equal(await new AsyncResult(callbackId, sender).get(WAIT), 50);
    });

    it("Python-built signature dicts (a task and a chain) inside a TS chain", async () => {
      const dicts = JSON.parse(
        python(venv, queue, "print(dumps([app.tasks['conformance.mul'].s(7), app.tasks['conformance.add'].s(10) | app.tasks['conformance.mul'].s(2)]))"),
      ) as unknown[];
      const [pyMul, pyChain] = dicts.map(fromSignatureDict);
      assert.ok(pyMul && pyChain);
      assert.equal(pyChain.subtask_type, "chain");
      const result = await applyAsync(chain(add.s(1, 1), pyMul, pyChain), sender);
      assert.equal(await result.get(WAIT), ((1 + 1) * 7 + 10) * 2);
    });
  });
