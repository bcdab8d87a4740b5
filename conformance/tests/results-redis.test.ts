// Results written by REAL Python Celery workers (5.7 and 5.3, prefork) read through our Redis result backend.
// Broker: Redis db 16; result backend: Redis db 17. Queues are named t-res-<pid>-*.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import { encodeRedisEnvelope, envelopeFromPublish } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { PyDecimal, PyUuid, pyFloat } from "../../sdk/src/codec/json/python-values.js";
import { RemoteTaskError } from "../../sdk/src/codec/exceptions/remote-task-error.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { Signature } from "../../sdk/src/gen/json-schema/types.js";
import { createRedisResultBackend, type RedisResultBackend } from "../../sdk/src/results/redis-result-backend.js";
import { AsyncResult } from "../../sdk/src/results/async-result.js";
import { GroupResult } from "../../sdk/src/results/group-result.js";
import type { ResultApp } from "../../sdk/src/results/result-app.js";
import { encodeGroupMeta } from "../../sdk/src/results/encode-group-meta.js";
import { createGroupTuple } from "../../sdk/src/results/result-tuple.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawRedisPublisher } from "../harness/raw-publisher.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER_DB = 16;
const RESULT_DB = 17;
const LINES = [
  { venv: ".venv", label: "5.7", queue: `t-res-${process.pid}-r57` },
  { venv: ".venv-5.3", label: "5.3", queue: `t-res-${process.pid}-r53` },
] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Consecutive duplicates removed (a state can be seen both from the GET and from pub/sub). */
function dedupe(states: readonly string[]): string[] {
  return states.filter((s, i) => i === 0 || states[i - 1] !== s);
}

/** Runs a Python snippet with a venv's interpreter and the conformance app's environment; returns stdout. */
function runPython(venv: string, code: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, venv, "bin", "python"), ["-c", code, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        PYTHONPATH: path.join(ROOT, "conformance/python"),
        CONFORMANCE_BROKER_URL: redisDbUrl(BROKER_DB),
        CONFORMANCE_RESULT_BACKEND: redisDbUrl(RESULT_DB),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`python exited ${code}:\n${err}`))));
  });
}

const GROUP_SCRIPT = `
import json, sys
from celery.result import GroupResult
from conformance_app import app
ours_id, theirs_id, *ids = sys.argv[1:]
ours = GroupResult.restore(ours_id, app=app)
out = {"ours": None if ours is None else [[r.id, r.parent.id if r.parent else None] for r in ours.results]}
app.GroupResult(theirs_id, [app.AsyncResult(i) for i in ids]).save()
print(json.dumps(out))
`;

describe("Redis result backend ← real Celery workers (prefork)", { timeout: 120_000 }, () => {
  const workers = new Map<string, PythonWorker>();
  let publisher: RawRedisPublisher;
  let results: Redis;
  let backend: RedisResultBackend;
  let app: ResultApp;

  /** Celery's app.control.broadcast over kombu's Redis fanout: PUBLISH /<db>.celery.pidbox <envelope>. */
  async function broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
    const body = encodeKombuJson({ method, arguments: args, destination: null, pattern: null, matcher: null });
    const envelope = envelopeFromPublish({
      exchange: "celery.pidbox",
      routingKey: "",
      body: new TextEncoder().encode(body),
      properties: {
        content_type: "application/json",
        content_encoding: "utf-8",
        delivery_mode: 2,
        priority: 0,
        headers: { clock: 1, expires: pyFloat(Date.now() / 1000 + 1) },
      },
    });
    await publisher.redis.publish(`/${BROKER_DB}.celery.pidbox`, envelope);
  }

  /** Publishes a task exactly as Celery's send_task does: backend.onTaskCall (SUBSCRIBE) first, then LPUSH. */
  async function send<T>(queue: string, input: TaskMessageInput, subscribe = true): Promise<AsyncResult<T>> {
    const message = createTaskMessage({ ...input, replyTo: backend.replyTo });
    if (subscribe) await backend.onTaskCall(message.headers.id);
    await publisher.lpush(queue, encodeRedisEnvelope(message, { routingKey: queue }));
    return new AsyncResult<T>(message.headers.id, app);
  }

  before(async () => {
    publisher = new RawRedisPublisher(redisDbUrl(BROKER_DB));
    results = new Redis(redisDbUrl(RESULT_DB));
    backend = createRedisResultBackend(redisDbUrl(RESULT_DB));
    app = { backend, broadcast };
    const started = await Promise.all(
      LINES.map((line) =>
        PythonWorker.start({
          brokerUrl: redisDbUrl(BROKER_DB),
          resultBackend: redisDbUrl(RESULT_DB),
          queue: line.queue,
          venv: line.venv,
          pool: "prefork",
          concurrency: 2,
          extraEnv: { CONFORMANCE_TRACK_STARTED: "1" },
        }),
      ),
    );
    LINES.forEach((line, i) => workers.set(line.label, started[i]!));
  });

  after(async () => {
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await backend?.close();
    if (publisher !== undefined) {
      // The queue lists and the bindings kombu wrote for them.
      for (const line of LINES) await publisher.redis.del(line.queue, `_kombu.binding.${line.queue}`, `_kombu.binding_permanent.${line.queue}`);
      await publisher.close();
    }
    await results?.quit();
  });

  for (const line of LINES) {
    describe(`Celery ${line.label}`, () => {
      it("success: add(2, 3) resolves with 5; result_extended fields are in the meta", async () => {
        const r = await send<number>(line.queue, { task: "conformance.add", args: [2, 3] });
        assert.equal(await r.get({ timeoutMs: 15_000 }), 5);
        const meta = await r.meta();
        assert.equal(meta.status, "SUCCESS");
        assert.equal(meta.name, "conformance.add");
        assert.deepEqual(meta.args, [2, 3]);
        assert.deepEqual(meta.kwargs, {});
        assert.equal(meta.queue, line.queue);
        assert.equal(meta.retries, 0);
        assert.match(String(meta.worker), /@/);
        assert.ok((await r.dateDone()) instanceof Date);
        assert.ok(Math.abs((await r.dateDone())!.getTime() - Date.now()) < 60_000, "date_done read as UTC whatever its form");
      });

      it("rich return values decode from kombu JSON (datetime, Decimal, UUID, bytes, big int)", async () => {
        const when = new Date("2025-01-31T12:00:00.123Z");
        const r = await send<{ args: unknown[]; kwargs: Record<string, unknown> }>(line.queue, {
          task: "conformance.echo",
          args: [when, new PyDecimal("10.50"), new PyUuid("12345678123456781234567812345678"), new Uint8Array([0, 255, 1]), 2n ** 70n, "ünï"],
        });
        const value = await r.get({ timeoutMs: 15_000 });
        const [d, dec, uuid, bytes, big, text] = value.args;
        assert.ok(d instanceof Date && d.getTime() === when.getTime());
        assert.ok(dec instanceof PyDecimal && dec.toString() === "10.50");
        assert.ok(uuid instanceof PyUuid);
        assert.equal(String(uuid), "12345678-1234-5678-1234-567812345678");
        assert.ok(bytes instanceof Uint8Array);
        assert.deepEqual([...bytes], [0, 255, 1]);
        assert.equal(big, 2n ** 70n);
        assert.equal(text, "ünï");
      });

      it("failure: ValueError('boom') rejects with RemoteTaskError (ValueError, builtins, boom, traceback)", async () => {
        const r = await send(line.queue, { task: "conformance.fail", args: ["boom"] });
        await assert.rejects(r.get({ timeoutMs: 15_000 }), (e: unknown) => {
          assert.ok(RemoteTaskError.is(e));
          assert.equal(e.name, "ValueError");
          assert.equal(e.excModule, "builtins");
          assert.equal(e.message, "boom");
          assert.equal(e.taskId, r.id);
          assert.match(e.traceback ?? "", /^Traceback \(most recent call last\):/);
          return true;
        });
        assert.equal(await r.failed(), true);
        const returned = await r.get({ propagate: false });
        assert.ok(RemoteTaskError.is(returned));
      });

      it("REVOKED: an already-expired task rejects with TaskRevokedError('expired')", async () => {
        const r = await send(line.queue, { task: "conformance.add", args: [1, 1], expires: new Date(Date.now() - 60_000) });
        await assert.rejects(r.get({ timeoutMs: 15_000 }), (e: unknown) => {
          assert.ok(RemoteTaskError.is(e));
          assert.equal(e.name, "TaskRevokedError");
          assert.equal(e.excModule, "celery.exceptions");
          assert.deepEqual(e.excArgs, ["expired"]);
          return true;
        });
        assert.equal(await r.state(), "REVOKED");
      });

      it("RETRY then SUCCESS (retry_once); every published state reaches onMessage (track_started)", async () => {
        const seen: string[] = [];
        const r = await send<string>(line.queue, { task: "conformance.retry_once" });
        assert.equal(await r.get({ timeoutMs: 15_000, onMessage: (m) => seen.push(m.status) }), "retried");
        assert.deepEqual(dedupe(seen), ["STARTED", "RETRY", "STARTED", "SUCCESS"]);
        assert.equal((await r.meta()).retries, 1);
      });

      it("STARTED (track_started) is observable with {pid, hostname}; a short timeout rejects with Timeout meanwhile", async () => {
        const r = await send<number>(line.queue, { task: "conformance.sleep", args: [pyFloat(1)] });
        let started: unknown = null;
        for (let i = 0; i < 200 && started === null; i++) {
          if ((await r.state()) === "STARTED") started = await r.result();
          else await sleep(20);
        }
        assert.ok(started !== null, "STARTED seen");
        const info = started as { pid: number; hostname: string };
        assert.equal(typeof info.pid, "number");
        assert.match(info.hostname, /@/);
        await assert.rejects(r.get({ timeoutMs: 100 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
        assert.equal(await r.get({ timeoutMs: 15_000 }), 1);
      });

      it("SUBSCRIBE-before-publish: an instant task's result arrives by pub/sub even if its key is deleted before anyone waits", async () => {
        const r = await send(line.queue, { task: "conformance.noop" });
        const control = await send(line.queue, { task: "conformance.noop" }, false);
        // Wait for the final SUCCESS write (STARTED is written first: track_started), then delete the key.
        for (const id of [r.id, control.id]) {
          for (let i = 0; i < 300 && !String(await results.get(`celery-task-meta-${id}`)).includes('"SUCCESS"'); i++) await sleep(10);
          await results.del(`celery-task-meta-${id}`);
        }
        assert.equal(await r.get({ timeoutMs: 2000 }), null, "delivered by the subscription made before publishing");
        await assert.rejects(control.get({ timeoutMs: 300 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"), "without onTaskCall the result is lost");
      });

      it("chord: setChordSize + header tasks → the real worker counts the parts and runs the body", async () => {
        const gid = randomUUID();
        const bodyId = randomUUID();
        const body = {
          task: "conformance.xsum",
          args: [],
          kwargs: {},
          options: { task_id: bodyId, reply_to: backend.replyTo },
          subtask_type: null,
          immutable: false,
        } as Signature;
        await backend.setChordSize(gid, 2);
        for (const [i, n] of [3, 4].entries()) {
          await send(line.queue, { task: "conformance.add", args: [n, n], groupId: gid, groupIndex: i, chord: body });
        }
        assert.equal(await new AsyncResult<number>(bodyId, app).get({ timeoutMs: 15_000 }), 14);
      });
    });
  }

  it("revoke() reaches a real worker: a countdown task revoked while waiting ends REVOKED", async () => {
    const worker = workers.get("5.7")!;
    const r = await send(LINES[0].queue, { task: "conformance.add", args: [1, 2], countdown: 3 });
    await worker.waitFor(new RegExp(`Task conformance\\.add\\[${r.id}\\] received`), 10_000);
    await r.revoke();
    await assert.rejects(r.get({ timeoutMs: 10_000 }), (e: unknown) => RemoteTaskError.is(e) && e.name === "TaskRevokedError" && e.excArgs[0] === "revoked");
    assert.equal(await r.state(), "REVOKED");
    assert.doesNotMatch(worker.log, new RegExp(`conformance\\.add\\[${r.id}\\] succeeded`));
  });

  for (const line of LINES) {
    it(`GroupResult.save() is byte-identical to Celery ${line.label}'s; Python restores ours, we restore Python's`, async () => {
      const ours = randomUUID();
      const theirs = randomUUID();
      const ids = [randomUUID(), randomUUID()];
      const parent = new AsyncResult(randomUUID(), app);
      await new GroupResult(ours, [new AsyncResult(ids[0]!, app), new AsyncResult(ids[1]!, app, parent)], app).save();
      const out = JSON.parse(await runPython(line.venv, GROUP_SCRIPT, [ours, theirs, ...ids])) as { ours: Array<[string, string | null]> };
      assert.deepEqual(
        out.ours,
        [
          [ids[0], null],
          [ids[1], parent.id],
        ],
        "Python's GroupResult.restore reads our save, parents included",
      );
      const pythonText = await results.get(`celery-taskset-meta-${theirs}`);
      assert.equal(pythonText, encodeGroupMeta(createGroupTuple(theirs, ids)), "byte-identical");
      await GroupResult.of(theirs, ids, app).save();
      assert.equal(await results.get(`celery-taskset-meta-${theirs}`), pythonText);
      const restored = await GroupResult.restore(theirs, app);
      assert.deepEqual(
        restored?.results.map((m) => m.id),
        ids,
      );
      await results.del(`celery-taskset-meta-${ours}`, `celery-taskset-meta-${theirs}`);
    });
  }
});
