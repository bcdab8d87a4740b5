// Our OutcomeRecorder between REAL Python Celery 5.7 peers over Redis (broker db 12, results db 13, queues
// t-wout-<pid>-*). Python publishes tasks and canvases to a queue nobody consumes; we pop those messages raw, decode
// them, build TaskRequests and record outcomes as our worker would; then:
// - Python's own AsyncResult reads what we stored (values, ValueError, TaskRevokedError, NotRegistered, RETRY, custom);
// - a real Python worker consumes what we publish: the rest of a chain (also a failed chain, and a chain into a
//   chord), a link, an errback, a retry (retries=1);
// - a chord whose header parts are split between us and the Python worker completes once, in group_index order,
//   whichever side returns the last part (our Lua script and Celery's share the same keys and logic), and a failed
//   part on either side gives the same ChordError.
// The recorder is wired as a worker wires it: createWorkerOutcomes({transport, backend: "redis://…", ...}).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { decodeRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import type { TaskRequest } from "../../worker/src/request/task-request.js";
import { createWorkerOutcomes, type WorkerOutcomes } from "../../worker/src/outcomes/create-worker-outcomes.js";
import { registeredTask, requestFromMessage } from "../../worker/test/outcomes-helpers.js";
import { PythonDriver } from "../../worker/test/outcomes-python-driver.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";

const BROKER = redisDbUrl(12);
const RESULTS = redisDbUrl(13);
const PARKED = `t-wout-${process.pid}-parked`; // nobody consumes it: we pop from it
const WORKER = `t-wout-${process.pid}-py`; // the Python worker's queue, and our sender's default queue
const SPARE = `t-wout-${process.pid}-spare`;
const LATE = `t-wout-${process.pid}-late`; // chord parts held back from the Python worker until we moved them
const HOST = "ts-outcomes@host";

const add = registeredTask("conformance.add");
const fail = registeredTask("conformance.fail");
const retryOnce = registeredTask("conformance.retry_once", { maxRetries: 3 });

function pyError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

let redis: Redis;
let transport: Transport;
let recorder: WorkerOutcomes;
let py: PythonDriver;
let worker: PythonWorker;

/** Pops the oldest message of the parked queue (kombu LPUSHes, consumers take from the right) as a TaskRequest. */
async function take(timeoutMs = 10_000): Promise<TaskRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await redis.rpop(PARKED);
    if (text !== null) return requestFromMessage(decodeRedisEnvelope(text), HOST);
    if (Date.now() > deadline) throw new Error(`no message on ${PARKED} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function takeAll(n: number): Promise<TaskRequest[]> {
  const out: TaskRequest[] = [];
  for (let i = 0; i < n; i++) out.push(await take());
  return out;
}

before(async () => {
  redis = new Redis(BROKER);
  transport = await createTransport(BROKER);
  // The production wiring: store, producer (chord sizes through the Redis backend) and recorder from the URL.
  recorder = createWorkerOutcomes({ transport, backend: RESULTS, hostname: HOST, defaultQueue: WORKER, resultExtended: true });
  [py, worker] = await Promise.all([
    PythonDriver.start(BROKER, RESULTS, WORKER),
    PythonWorker.start({ brokerUrl: BROKER, resultBackend: RESULTS, queue: WORKER, pool: "solo" }),
  ]);
});

after(async () => {
  await Promise.allSettled([py?.stop(), worker?.stop()]);
  const queues = [PARKED, SPARE, LATE, WORKER];
  await redis?.del(...queues, ...queues.flatMap((q) => [`_kombu.binding.${q}`, `_kombu.binding_permanent.${q}`]));
  await recorder?.close();
  await transport?.close();
  await redis?.quit();
});

describe("what we store, read by Python's AsyncResult (Redis backend)", { timeout: 60_000 }, () => {
  it("SUCCESS value, ValueError, TaskRevokedError, NotRegistered, RETRY with its exception, a custom state", async () => {
    const ids = await py.value<string[]>(`out = [
      t.add.apply_async((2, 3), queue="${PARKED}").id,
      t.fail.apply_async(("boom",), queue="${PARKED}").id,
      t.add.apply_async((1, 1), queue="${PARKED}").id,
      app.send_task("nope.unknown", queue="${PARKED}").id,
      t.retry_once.apply_async(queue="${PARKED}").id,
      t.echo.apply_async(queue="${PARKED}").id,
    ]`);
    const [ok, failed, revoked, unknown, retried, custom] = await takeAll(6);
    assert.deepEqual(
      [ok, failed, revoked, unknown, retried, custom].map((r) => r!.id),
      ids,
    );
    await recorder.succeeded(ok!, add, 5, 0.001);
    await recorder.failed(failed!, fail, pyError("ValueError", "boom"));
    await recorder.revoked(revoked!, "revoked", add);
    await recorder.notRegistered(unknown!);
    assert.equal(await recorder.retry(retried!, retryOnce, { countdown: 60, exc: pyError("RuntimeError", "retry once"), queue: SPARE }), "retried");
    await recorder.updateState(custom!, "PROGRESS", { done: 1 });

    assert.equal(await py.value("out = AsyncResult(arg).get(timeout=10)", ids[0]), 5);
    const valueError = await py.error("AsyncResult(arg).get(timeout=10)", ids[1]);
    assert.deepEqual([valueError.type, valueError.module, valueError.args], ["ValueError", "builtins", ["boom"]]);
    const revokedError = await py.error("AsyncResult(arg).get(timeout=10)", ids[2]);
    assert.deepEqual([revokedError.type, revokedError.module, revokedError.args], ["TaskRevokedError", "celery.exceptions", ["revoked"]]);
    const notRegistered = await py.error("AsyncResult(arg).get(timeout=10)", ids[3]);
    assert.deepEqual([notRegistered.type, notRegistered.args], ["NotRegistered", ["nope.unknown"]]);
    assert.deepEqual(
      await py.value("r = AsyncResult(arg); out = [r.state, repr(r.result), r.traceback.splitlines()[-1], r._get_task_meta()['children']]", ids[4]),
      ["RETRY", "RuntimeError('retry once')", "celery.exceptions.Retry: Retry in 60s: RuntimeError('retry once')", [[[ids[4], null], null]]],
    );
    assert.deepEqual(await py.value("r = AsyncResult(arg); out = [r.state, r.info]", ids[5]), ["PROGRESS", { done: 1 }]);
    const meta = await py.value<Record<string, unknown>>("out = AsyncResult(arg)._get_task_meta()", ids[0]);
    assert.deepEqual([meta["name"], meta["args"], meta["worker"], meta["queue"]], ["conformance.add", [2, 3], HOST, PARKED]);
  });
});

describe("what we publish, run by a real Python Celery 5.7 worker", { timeout: 90_000 }, () => {
  it("chain(add(1, 2), mul(3), add(4)): we run step 1, Python the rest; Python's get() of the last id is 13", async () => {
    const [last, second, first] = await py.value<string[]>(
      `r = chain(t.add.s(1, 2).set(queue="${PARKED}"), t.mul.s(3), t.add.s(4)).apply_async(); out = [r.id, r.parent.id, r.parent.parent.id]`,
    );
    const request = await take();
    assert.equal(request.id, first);
    await recorder.succeeded(request, add, 3, 0.001);
    assert.equal(await py.value("out = AsyncResult(arg).get(timeout=20)", last), 13);
    assert.deepEqual(await py.value("out = [c.id for c in AsyncResult(arg).children]", first), [second], "our SUCCESS lists the step we sent as a child");
    assert.deepEqual(await py.value("out = AsyncResult(arg)._get_task_meta()['parent_id']", second), first);
  });

  it("a failed first step fails the whole chain: Python's get() of the last id raises our ValueError", async () => {
    const last = await py.value<string>(`out = chain(t.add.s(1, 2).set(queue="${PARKED}"), t.mul.s(3), t.add.s(4)).apply_async().id`);
    await recorder.failed(await take(), add, pyError("ValueError", "step 1"));
    const error = await py.error("AsyncResult(arg).get(timeout=10)", last);
    assert.deepEqual([error.type, error.args], ["ValueError", ["step 1"]]);
  });

  it("chain(add(1, 1), chord([mul(2), mul(3)], xsum)): our step applies the chord (chord size through the Redis backend)", async () => {
    const last = await py.value<string>(`out = chain(t.add.s(1, 1).set(queue="${PARKED}"), chord([t.mul.s(2), t.mul.s(3)], t.xsum.s())).apply_async().id`);
    await recorder.succeeded(await take(), add, 2, 0.001);
    assert.equal(await py.value("out = AsyncResult(arg).get(timeout=20)", last), 10);
  });

  it("link: the callback runs on Python with our result; reachable through our stored children", async () => {
    const id = await py.value<string>(`out = t.add.apply_async((2, 2), link=t.mul.s(3), queue="${PARKED}").id`);
    await recorder.succeeded(await take(), add, 4, 0.001);
    assert.equal(await py.value("out = AsyncResult(arg).children[0].get(timeout=20)", id), 12);
  });

  it("link_error: Python's record_errback receives the failed id; Python's get() raises our ValueError", async () => {
    const id = await py.value<string>(`out = t.fail.apply_async(("boom",), link_error=t.record_errback.s(), queue="${PARKED}").id`);
    await recorder.failed(await take(), fail, pyError("ValueError", "boom"));
    const ran = new RegExp(`conformance\\.record_errback\\[([0-9a-f-]+)\\] succeeded in [^:]+: \\['${id}'\\]`);
    await worker.waitFor(ran, 20_000);
    const errbackId = ran.exec(worker.log)![1]!;
    assert.deepEqual(await py.value("out = AsyncResult(arg).get(timeout=20)", errbackId), [id]);
    assert.deepEqual(await py.value("m = AsyncResult(arg)._get_task_meta(); out = [m['parent_id'], m['group_id'] is not None]", errbackId), [id, true]);
    assert.equal((await py.error("AsyncResult(arg).get(timeout=5)", id)).type, "ValueError");
  });

  it("retry: RETRY visible at once; Python runs our retry message with retries=1", async () => {
    const id = await py.value<string>(`out = t.retry_once.apply_async(queue="${PARKED}").id`);
    const request = await take();
    assert.equal(await recorder.retry(request, retryOnce, { countdown: 2, exc: pyError("RuntimeError", "retry once"), queue: WORKER }), "retried");
    assert.equal(await py.value("out = AsyncResult(arg).state", id), "RETRY");
    assert.equal(await py.value("out = AsyncResult(arg).get(timeout=20)", id), "retried");
    const meta = await py.value<Record<string, unknown>>("out = AsyncResult(arg)._get_task_meta()", id);
    assert.deepEqual([meta["retries"], meta["parent_id"]], [1, id]);
  });
});

describe("a chord completed by Python and us together (same Redis counter)", { timeout: 90_000 }, () => {
  /**
   * chord([add(0,0), add(1,1), add(2,2), add(3,3)], echo): parts 0 and 2 parked for us, 1 and 3 for the Python
   * worker, either on its queue at once or held back on LATE until `releaseLate()` moves them there.
   */
  async function publishChord(late: boolean): Promise<{ body: string; gid: string }> {
    const theirs = late ? `.set(queue="${LATE}")` : "";
    return py.value(`r = chord([t.add.s(0, 0).set(queue="${PARKED}"), t.add.s(1, 1)${theirs}, t.add.s(2, 2).set(queue="${PARKED}"), t.add.s(3, 3)${theirs}], t.echo.s()).apply_async()
out = {"body": r.id, "gid": r.parent.id}`);
  }

  /** Hands the held-back header messages to the Python worker (oldest first, as kombu would deliver them). */
  async function releaseLate(): Promise<void> {
    while ((await redis.rpoplpush(LATE, WORKER)) !== null);
  }

  /** Our two parts, index 2 before index 0 (out of order on purpose); resolves with them in the order recorded. */
  async function recordOurParts(): Promise<TaskRequest[]> {
    const parts = await takeAll(2);
    parts.sort((a, b) => (b.groupIndex ?? 0) - (a.groupIndex ?? 0));
    for (const part of parts) await recorder.succeeded(part, add, (part.args[0] as number) * 2, 0.001);
    return parts;
  }

  /** The body's `parent_id`: the header part whose worker applied it. */
  function bodyParent(body: string): Promise<string> {
    return py.value<string>("out = AsyncResult(arg)._get_task_meta()['parent_id']", body);
  }

  async function partsReported(gid: string): Promise<number> {
    const results = new Redis(RESULTS);
    try {
      return await results.zcard(`celery-taskset-meta-${gid}.j`);
    } finally {
      await results.quit();
    }
  }

  async function checkBody(chord: { body: string; gid: string }): Promise<void> {
    assert.deepEqual(
      await py.value("out = AsyncResult(arg).get(timeout=20)", chord.body),
      { args: [[0, 2, 4, 6]], kwargs: {} },
      "results in group_index order",
    );
    const runs = worker.log.split("\n").filter((line) => line.includes(`conformance.echo[${chord.body}] succeeded`)).length;
    assert.equal(runs, 1, "the body ran exactly once");
    const results = new Redis(RESULTS);
    try {
      assert.equal(await results.get(`celery-taskset-meta-${chord.gid}.c`), "done");
    } finally {
      await results.quit();
    }
  }

  it("Python returns its parts first, our part completes the chord and we apply the body", async () => {
    const chord = await publishChord(false);
    const deadline = Date.now() + 20_000;
    while ((await partsReported(chord.gid)) < 2) {
      if (Date.now() > deadline) throw new Error(`the Python worker did not return its 2 parts:\n${worker.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ours = await recordOurParts();
    await checkBody(chord);
    assert.equal(await bodyParent(chord.body), ours.at(-1)!.id, "we applied the body (from our last part)");
  });

  it("a part failed on our side, Python completes the chord: Python's ChordError names our part and our exception", async () => {
    const chord = await publishChord(true);
    const [first, second] = (await takeAll(2)).sort((a, b) => (a.groupIndex ?? 0) - (b.groupIndex ?? 0));
    await recorder.failed(first!, add, pyError("ValueError", "ours"));
    await recorder.succeeded(second!, add, 4, 0.001);
    await releaseLate();
    const error = await py.error("AsyncResult(arg).get(timeout=20)", chord.body);
    assert.deepEqual([error.type, error.module, error.args], ["ChordError", "celery.exceptions", [`Dependency ${first!.id} raised ValueError('ours')`]]);
  });

  it("a part failed on Python's side, we complete the chord: our ChordError is what Celery would store", async () => {
    const chord = await py.value<{ body: string; gid: string }>(`r = chord([t.fail.s("theirs"), t.add.s(0, 0).set(queue="${PARKED}")], t.echo.s()).apply_async()
out = {"body": r.id, "gid": r.parent.id, "failed": r.parent.results[0].id}`);
    const failedId = (chord as unknown as { failed: string }).failed;
    const deadline = Date.now() + 20_000;
    while ((await partsReported(chord.gid)) < 1) {
      if (Date.now() > deadline) throw new Error(`the Python worker did not return its part:\n${worker.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await recorder.succeeded(await take(), add, 0, 0.001);
    const error = await py.error("AsyncResult(arg).get(timeout=20)", chord.body);
    assert.deepEqual([error.type, error.module, error.args], ["ChordError", "celery.exceptions", [`Dependency ${failedId} raised ValueError('theirs')`]]);
  });

  it("we return our parts first, the Python worker's last part completes the chord and Python applies the body", async () => {
    const chord = await publishChord(true);
    const ours = await recordOurParts();
    assert.equal(await partsReported(chord.gid), 2, "ours are in, Python's are not");
    await releaseLate();
    await checkBody(chord);
    const parent = await bodyParent(chord.body);
    assert.ok(!ours.some((part) => part.id === parent), "Python applied the body (from one of its parts)");
  });
});
