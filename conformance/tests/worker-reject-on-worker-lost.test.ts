// task_reject_on_worker_lost with the process pool, against real Celery 5.7, on Redis and RabbitMQ. `proto worker -P
// process -c 1` runs conformance/ts-tasks/worker-lost-tasks.ts, whose handlers SIGKILL their own pool process; a
// Python prefork worker runs the same tasks (conformance/python/worker_lost_app) once, on Redis, as the reference
// both suites compare their stored metas with (what a worker stores does not depend on the broker).
// C:celery/worker/request.py `on_failure`, for a WorkerLostError with acks_late:
// - reject_on_worker_lost: reject(requeue=True), nothing stored, no task-failed: the message runs again;
// - otherwise: ack (or with acks_on_failure=False reject without requeue), then FAILURE WorkerLostError('Worker exited
//   prematurely: signal 9 (SIGKILL) Job: N.') stored without a traceback (`mark_as_failure` is given none): Python's
//   get() raises it;
// - no `redelivered` check: a message that kills every process it runs in is requeued again and again;
// - retry_on_worker_lost (5.7) comes first: sent again as Task.retry would while retries are left, then FAILURE.
// Either way billiard logs the exit, a new process replaces the dead one and the worker keeps serving.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand, type ClientResult } from "../harness/celery-client-script.js";
import { poll } from "../harness/poll.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawAmqpPublisher } from "../harness/raw-publisher.js";
import { RedisResultReader } from "../harness/result-reader.js";

const DB = 29;
const TASKS = "conformance/ts-tasks/worker-lost-tasks.ts";
const LOST = /^Worker exited prematurely: signal 9 \(SIGKILL\) Job: \d+\.$/;

/** The stored meta with what differs between two runs of the same scenario (ids, times, node, queue, job number) blanked. */
function comparable(text: string | null): Record<string, unknown> {
  assert.ok(text !== null, "no result stored");
  const meta = JSON.parse(text) as Record<string, unknown>;
  const result = meta["result"] as { exc_message: string[] };
  return {
    ...meta,
    task_id: "<id>",
    date_done: "<date>",
    worker: "<node>",
    queue: "<queue>",
    result: { ...result, exc_message: result.exc_message.map((m) => m.replace(/Job: \d+\./, "Job: <n>.")) },
  };
}

/** Every message still on `queue` (and its kombu priority lists), by task id; the queue is deleted afterwards. */
async function drainQueue(broker: BrokerKind, queue: string): Promise<string[]> {
  const ids: string[] = [];
  if (broker === "redis") {
    const redis = new Redis(redisDbUrl(DB), { maxRetriesPerRequest: 2 });
    for (const key of [queue, ...[3, 6, 9].map((p) => `${queue}\x06\x16${p}`)]) {
      for (const text of await redis.lrange(key, 0, -1)) ids.push((JSON.parse(text) as { headers: { id: string } }).headers.id);
      await redis.del(key);
    }
    await redis.quit();
    return ids;
  }
  const raw = await RawAmqpPublisher.connect(AMQP_URL);
  for (;;) {
    const message = await raw.channel.get(queue, { noAck: true });
    if (message === false) break;
    ids.push(String(message.properties.headers?.["id"]));
  }
  await raw.channel.deleteQueue(queue);
  await raw.channel.deleteExchange(queue);
  await raw.close();
  return ids;
}

/** What a Python prefork worker stored, published and let `get()` raise for the same tasks, by task name. */
interface Reference {
  readonly results: ReadonlyMap<string, ClientResult>;
  readonly metas: ReadonlyMap<string, string | null>;
  readonly states: ReadonlyMap<string, readonly string[]>;
}

let reference: Promise<Reference> | null = null;

/** The Python reference, run once (on Redis: what it stores does not depend on the broker) for both suites. */
function pythonReference(): Promise<Reference> {
  reference ??= runPythonReference();
  return reference;
}

async function runPythonReference(): Promise<Reference> {
  const queue = `t-wlost-${process.pid}-py`;
  const subscriber = new Redis(redisDbUrl(DB), { maxRetriesPerRequest: 2 });
  const reader = new RedisResultReader(redisDbUrl(DB));
  const published = new Map<string, string[]>();
  subscriber.on("pmessage", (_pattern: string, channel: string, text: string) => {
    const id = channel.slice("celery-task-meta-".length);
    published.set(id, [...(published.get(id) ?? []), (JSON.parse(text) as { status: string }).status]);
  });
  await subscriber.psubscribe("celery-task-meta-*");
  const python = await PythonWorker.start({
    app: "worker_lost_app",
    brokerUrl: redisDbUrl(DB),
    resultBackend: redisDbUrl(DB),
    queue,
    pool: "prefork",
    concurrency: 1,
    nodeName: `t-wlost-py-${process.pid}@%h`,
  });
  try {
    const names = ["workerlost.die", "workerlost.die_no_ack", "workerlost.die_retry"];
    const calls = names.map((task) => ({ task }));
    const results = await runCeleryClient("call", { broker: redisDbUrl(DB), backend: redisDbUrl(DB), queue, timeout: 30, calls });
    const byName = <T>(value: (result: ClientResult) => T | Promise<T>): Promise<Map<string, T>> =>
      Promise.all(results.map(async (result, i) => [names[i] ?? "", await value(result)] as const)).then((entries) => new Map(entries));
    return {
      results: await byName((result) => result),
      metas: await byName((result) => reader.raw(result.id)),
      states: await byName((result) => published.get(result.id) ?? []),
    };
  } finally {
    await python.stop();
    await subscriber.quit();
    await reader.close();
  }
}

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`task_reject_on_worker_lost, proto worker -P process (${broker})`, { timeout: 90_000 }, () => {
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    const queue = `t-wlost-${process.pid}-${broker}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), `proto-wlost-${broker}-`));
    const command = (extra: Partial<ClientCommand>): ClientCommand => ({ broker: brokerUrl, backend: redisDbUrl(DB), queue, timeout: 20, ...extra });
    const results = new RedisResultReader(redisDbUrl(DB));
    const subscriber = new Redis(redisDbUrl(DB), { maxRetriesPerRequest: 2 });
    /** Every state the backend published, per task id (SETEX + PUBLISH on `celery-task-meta-<id>`). */
    const published = new Map<string, string[]>();
    let worker: ProtoWorkerProcess;

    before(async () => {
      // result_extended as the conformance app sets it, so the stored metas compare name, args, kwargs and retries too.
      const config = path.join(dir, "celeryconfig.json");
      writeFileSync(config, JSON.stringify({ result_extended: true }));
      subscriber.on("pmessage", (_pattern: string, channel: string, text: string) => {
        const id = channel.slice("celery-task-meta-".length);
        published.set(id, [...(published.get(id) ?? []), (JSON.parse(text) as { status: string }).status]);
      });
      await subscriber.psubscribe("celery-task-meta-*");
      // Meanwhile the first suite runs the Python reference (awaited, and its failure reported, by the tests using it).
      pythonReference().catch(() => undefined);
      worker = await ProtoWorkerProcess.start([
        ...["-A", TASKS, "-b", brokerUrl, "--backend", redisDbUrl(DB), "-Q", queue, "-n", `t-wlost-${process.pid}-${broker}@%h`],
        ...["-P", "process", "-c", "1", "--config", config, "--without-mingle", "--without-heartbeat", "-l", "info"],
      ]);
    });

    after(async () => {
      await worker?.stop(5000);
      await subscriber.quit();
      await results.close();
      rmSync(dir, { recursive: true, force: true });
    });

    let firstPid = 0;
    let secondPid = 0;

    it("acks_late + reject_on_worker_lost: the message is requeued and runs again in a new process; nothing failed is stored or published", async () => {
      const marker = path.join(dir, "die-once");
      const [result] = await runCeleryClient("call", command({ calls: [{ task: "workerlost.die_once", args: JSON.stringify([marker]) }] }));
      assert.ok(result?.ok === true, JSON.stringify(result));
      firstPid = Number(readFileSync(marker, "utf8"));
      secondPid = (result.value as { pid: number }).pid;
      assert.ok(firstPid > 0 && secondPid > 0 && secondPid !== firstPid, `first run in ${firstPid}, second in ${secondPid}`);
      assert.deepEqual(published.get(result.id), ["SUCCESS"], "the only state ever published is the rerun's SUCCESS");
      const log = worker.log;
      assert.equal(log.split(`Task workerlost.die_once[${result.id}] received`).length - 1, 2, "received twice: the rejected message came back");
      assert.match(log, new RegExp(`Process 'ForkPoolWorker-1' pid:${firstPid} exited with 'signal 9 \\(SIGKILL\\)'`));
      assert.match(log, /Task handler raised error: WorkerLostError\('Worker exited prematurely: signal 9 \(SIGKILL\) Job: 0\.'\)/);
      assert.doesNotMatch(log, new RegExp(`workerlost\\.die_once\\[${result.id}\\] raised`));
    });

    it("acks_late without it (acks_on_failure either way): FAILURE WorkerLostError as a Python prefork worker stores it; Python's get() raises it", async () => {
      const [ours, oursNoAck] = await runCeleryClient("call", command({ calls: [{ task: "workerlost.die" }, { task: "workerlost.die_no_ack" }] }));
      const python = await pythonReference();
      const [theirs, theirsNoAck] = [python.results.get("workerlost.die"), python.results.get("workerlost.die_no_ack")];
      for (const result of [ours, oursNoAck, theirs, theirsNoAck]) {
        assert.ok(result?.ok === false, JSON.stringify(result));
        assert.equal(result.state, "FAILURE");
        assert.equal(`${result.exc_module}.${result.exc_type}`, "billiard.exceptions.WorkerLostError");
        assert.match(result.exc_str, LOST);
        assert.equal(result.traceback, null);
      }
      const failure = ours as Extract<ClientResult, { ok: false }>;
      assert.equal(failure.exc_str, "Worker exited prematurely: signal 9 (SIGKILL) Job: 2.", "billiard's job number counts the pool's jobs");
      assert.deepEqual(comparable(await results.raw(failure.id)), comparable(python.metas.get("workerlost.die") ?? null));
      assert.deepEqual(comparable(await results.raw(oursNoAck?.id ?? "")), comparable(python.metas.get("workerlost.die_no_ack") ?? null));
      assert.deepEqual(published.get(failure.id), ["FAILURE"]);
      assert.deepEqual(published.get(oursNoAck?.id ?? ""), ["FAILURE"]);
      assert.match(worker.log, /Task handler raised error: WorkerLostError\('Worker exited prematurely: signal 9 \(SIGKILL\) Job: 2\.'\)/);
    });

    it("the dead processes were replaced: the worker keeps serving from a third process", async () => {
      const [result] = await runCeleryClient("call", command({ calls: [{ task: "workerlost.pid" }] }));
      assert.ok(result?.ok === true, JSON.stringify(result));
      const pid = result.value as number;
      assert.ok(pid !== firstPid && pid !== secondPid, `pid ${pid} after ${firstPid} and ${secondPid} died`);
      assert.match(worker.log, /Process 'ForkPoolWorker-2' pid:\d+ exited with 'signal 9 \(SIGKILL\)'/);
    });

    it("retry_on_worker_lost over reject_on_worker_lost: RETRY, then (max_retries=1 reached) FAILURE, as the Python prefork worker", async () => {
      const [ours] = await runCeleryClient("call", command({ calls: [{ task: "workerlost.die_retry" }] }));
      const python = await pythonReference();
      const theirs = python.results.get("workerlost.die_retry");
      for (const result of [ours, theirs]) {
        assert.ok(result?.ok === false, JSON.stringify(result));
        assert.equal(`${result.exc_module}.${result.exc_type}`, "billiard.exceptions.WorkerLostError");
      }
      // One retry, then the failure: no requeue once the retries ran out.
      assert.deepEqual(python.states.get("workerlost.die_retry"), ["RETRY", "FAILURE"]);
      assert.deepEqual(published.get(ours?.id ?? ""), ["RETRY", "FAILURE"]);
      assert.deepEqual(comparable(await results.raw(ours?.id ?? "")), comparable(python.metas.get("workerlost.die_retry") ?? null));
      assert.match(worker.log, new RegExp(`Task workerlost\\.die_retry\\[${ours?.id}\\] retry: Retry in 0s: WorkerLostError\\('Worker exited prematurely`));
    });

    it("a redelivered message that kills its process again is requeued again; after stop only it is left on the broker", async () => {
      const marker = path.join(dir, "die-always");
      const [sent] = await runCeleryClient("send", command({ calls: [{ task: "workerlost.die_always", args: JSON.stringify([marker]) }] }));
      assert.ok(sent !== undefined);
      const pids = (): string[] => (existsSync(marker) ? readFileSync(marker, "utf8").trim().split("\n") : []);
      await poll(
        async () => pids().length >= 3,
        20_000,
        () => `die_always ran ${pids().length} times`,
      );
      assert.equal(new Set(pids()).size, pids().length, "each run in its own process");
      await worker.stop(10_000);
      assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.log.slice(-2000));
      // The acked workerlost.die and the rejected die_no_ack are gone; the requeued die_always waits for the next worker.
      assert.deepEqual(await drainQueue(broker, queue), [sent.id]);
      assert.equal(published.get(sent.id), undefined, "nothing stored for it");
    });
  });
}
