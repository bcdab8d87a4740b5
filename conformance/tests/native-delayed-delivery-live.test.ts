// Countdown and ETA tasks on RabbitMQ quorum queues, end to end, with Celery 5.7 (issue: "RabbitMQ as deployed
// today"). The project is Celery's own quorum recipe (conformance/python/quorum_project: quorum default queue on a
// topic exchange), on a vhost of its own so the broker-wide `celery_delayed_*` topology meets no other suite:
// - a TypeScript-only fleet (two `proto worker`s) runs a Python producer's apply_async(countdown=3) and
//   eta=now+5 s within a second of due: the tasks reach the queue only through the topology and bindings our
//   workers declared (Python publishes them to `celery_delayed_27`);
// - a Python-only fleet runs our producer's countdown and ETA tasks on time, delivered by native delayed delivery
//   (the routing key spells the delay), not held by the workers;
// - a mixed fleet (two Python workers, one TypeScript) runs each of 20 countdown tasks from both producers once;
// - a task that retries three times with countdown=1 gets all its retries on every fleet: the retry messages leave
//   the dead-letter `x-death` headers behind (RabbitMQ drops a message that dead-letters in a cycle it recorded).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const WORKDIR = path.join(ROOT, "conformance/python");
const TS_TASKS = path.join(ROOT, "conformance/ts-tasks/quorum-project-tasks.ts");
const BACKEND = redisDbUrl(22);
const QUEUE = "qp-tasks";
const STAMP = "quorum_project.tasks.stamp";
const RETRY = "quorum_project.tasks.retry_thrice";
/** How late a run may be after its due time (the "within a second of due"). */
const ON_TIME_S = 1;
/** A routing key carrying a native delayed delivery prefix (28 binary digits) before the queue's key. */
const DELAYED_KEY = new RegExp(`^(?:[01]\\.){28}${QUEUE}$`);

interface Run {
  readonly tag: string;
  readonly id: string;
  readonly at: number;
  readonly by: "python" | "typescript";
  readonly retries: number;
  readonly exchange: string | null;
  readonly routing_key: string | null;
}

interface Sent {
  readonly id: string;
  readonly tag: string;
  readonly sentAt: number;
  readonly dueAt: number;
}

interface Call {
  readonly task: string;
  readonly tag: string;
  readonly countdown?: number;
  readonly etaIn?: number;
}

let vhost: TestVhost;
let configFile: string;
let client: Client;
const dir = mkdtempSync(path.join(tmpdir(), "quorum-live-"));
const redis = new Redis(BACKEND);

/** The quorum project's settings, as `proto` reads them (the same as quorum_project/celeryconfig.py). */
function settings(): Record<string, unknown> {
  return {
    broker_url: vhost.url,
    result_backend: BACKEND,
    task_default_queue_type: "quorum",
    task_default_exchange_type: "topic",
    task_default_queue: QUEUE,
    broker_transport_options: { confirm_publish: true },
    task_routes: { "*": { queue: QUEUE } },
  };
}

function pythonEnv(): Record<string, string> {
  return { QP_BROKER_URL: vhost.url, QP_RESULT_BACKEND: BACKEND, QP_QUEUE: QUEUE };
}

function startTs(name: string): Promise<ProtoWorkerProcess> {
  return ProtoWorkerProcess.start(["-A", TS_TASKS, "--config", configFile, "-l", "info", "-n", `${name}@%h`, "-c", "4"], {
    QP_RESULT_BACKEND: BACKEND,
    // Empty, as a user's shell may have them: unset for Celery and for proto.
    CELERY_BROKER_URL: "",
    CELERY_RESULT_BACKEND: "",
  });
}

function startPython(name: string): Promise<PythonWorker> {
  return PythonWorker.start({
    app: "quorum_project.celery",
    brokerUrl: vhost.url,
    resultBackend: BACKEND,
    queue: QUEUE,
    nodeName: `${name}@%h`,
    pool: "threads",
    concurrency: 4,
    extraEnv: pythonEnv(),
  });
}

/** Starts workers together; when one fails to start, stops those that did before rethrowing. */
async function startAll<W extends { stop(): Promise<void> }>(starting: readonly Promise<W>[]): Promise<W[]> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<W>).value);
  await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
  throw failed.reason;
}

/** Publishes the calls with Python's apply_async (quorum_project/produce.py). */
function producePython(calls: readonly Call[]): Promise<Sent[]> {
  const input = JSON.stringify(
    calls.map((c) => ({
      task: c.task,
      args: [c.tag],
      ...(c.countdown === undefined ? {} : { countdown: c.countdown }),
      ...(c.etaIn === undefined ? {} : { eta_in: c.etaIn }),
    })),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-m", "quorum_project.produce"], { cwd: WORKDIR, env: { ...process.env, ...pythonEnv(), PYTHONPATH: WORKDIR } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("close", (code) => {
      if (code !== 0) return reject(new Error(`quorum_project.produce exited ${code}: ${stderr}`));
      const out = JSON.parse(stdout) as { id: string; sent_at: number; due_at: number }[];
      resolve(out.map((o, i) => ({ id: o.id, tag: calls[i]!.tag, sentAt: o.sent_at, dueAt: o.due_at })));
    });
    child.stdin.end(input);
  });
}

/** Publishes the calls with our client, configured with the project's settings. */
async function produceTs(calls: readonly Call[]): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (const c of calls) {
    const sentAt = Date.now() / 1000;
    const eta = c.etaIn === undefined ? undefined : new Date((sentAt + c.etaIn) * 1000);
    const id = await client.sendTask(c.task, [c.tag], {}, { ...(c.countdown === undefined ? {} : { countdown: c.countdown }), ...(eta ? { eta } : {}) });
    sent.push({ id, tag: c.tag, sentAt, dueAt: eta === undefined ? sentAt + (c.countdown ?? 0) : eta.getTime() / 1000 });
  }
  return sent;
}

async function runs(): Promise<Run[]> {
  return (await redis.lrange("qp:runs", 0, -1)).map((r) => JSON.parse(r) as Run);
}

/** Waits until `done(runs)` holds, at most `timeoutMs`; returns the runs then. */
async function waitForRuns(done: (all: Run[]) => boolean, timeoutMs: number, what: string): Promise<Run[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await runs();
    if (done(all)) return all;
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs} ms; runs so far:\n${all.map((r) => JSON.stringify(r)).join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each sent task ran exactly once, within ON_TIME_S of due (never before), delivered through the delayed topology. */
async function assertRanOnceOnTime(sent: readonly Sent[], fleet: string): Promise<Run[]> {
  const ids = new Set(sent.map((s) => s.id));
  const all = await waitForRuns((r) => sent.every((s) => r.some((x) => x.id === s.id)), 30_000, `${fleet}: every task ran`);
  // Anything delivered twice would have arrived by now: the longest delay here is 5 s.
  await new Promise((r) => setTimeout(r, 1_500));
  const final = (await runs()).filter((r) => ids.has(r.id));
  for (const s of sent) {
    const mine = final.filter((r) => r.id === s.id);
    assert.equal(mine.length, 1, `${fleet}: ${s.tag} ran ${mine.length} times: ${JSON.stringify(mine)}`);
    const run = mine[0]!;
    const late = run.at - s.dueAt;
    assert.ok(late >= -0.05, `${fleet}: ${s.tag} ran ${(-late).toFixed(3)} s before it was due`);
    assert.ok(late <= ON_TIME_S, `${fleet}: ${s.tag} ran ${late.toFixed(3)} s after it was due`);
    assert.match(run.routing_key ?? "", DELAYED_KEY, `${fleet}: ${s.tag} came through native delayed delivery (routing key ${run.routing_key})`);
  }
  void all;
  return final;
}

/** Each retry_thrice task ran with retries 0, 1, 2 and 3, once each; the retries went by native delayed delivery. */
async function assertRetriedThrice(sent: readonly Sent[], fleet: string): Promise<Run[]> {
  const all = await waitForRuns((r) => sent.every((s) => r.some((x) => x.id === s.id && x.retries === 3)), 40_000, `${fleet}: retried three times`);
  await new Promise((r) => setTimeout(r, 1_500));
  const final = await runs();
  for (const s of sent) {
    const mine = final.filter((r) => r.id === s.id).sort((a, b) => a.retries - b.retries);
    assert.deepEqual(
      mine.map((r) => r.retries),
      [0, 1, 2, 3],
      `${fleet}: ${s.tag} runs by retries: ${JSON.stringify(mine)}`,
    );
    for (const r of mine.slice(1)) assert.match(r.routing_key ?? "", DELAYED_KEY, `${fleet}: retry ${r.retries} of ${s.tag} by native delayed delivery`);
  }
  void all;
  return final;
}

describe("native delayed delivery on quorum queues (Celery 5.7, RabbitMQ)", { timeout: 300_000 }, () => {
  before(async () => {
    vhost = await createTestVhost("celery-proto-quorum-live");
    configFile = path.join(dir, "quorum-project.json");
    writeFileSync(configFile, JSON.stringify(settings(), null, 2));
    await redis.flushdb();
    client = await createClient({ config: configFile });
  });
  after(async () => {
    await client?.close();
    await redis.quit();
    await vhost?.delete();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a TypeScript-only fleet runs a Python producer's countdown=3 and eta=now+5s on time, and its retries", async () => {
    const workers = await startAll([startTs("qp-ts1"), startTs("qp-ts2")]);
    try {
      await redis.del("qp:runs");
      const sent = await producePython([
        { task: STAMP, tag: "py-countdown-3", countdown: 3 },
        { task: STAMP, tag: "py-eta-5", etaIn: 5 },
      ]);
      const retried = await producePython([{ task: RETRY, tag: "py-retry" }]);
      const ran = await assertRanOnceOnTime(sent, "TypeScript fleet");
      assert.ok(
        ran.every((r) => r.by === "typescript"),
        "only TypeScript workers are running",
      );
      const retries = await assertRetriedThrice(retried, "TypeScript fleet");
      assert.ok(retries.every((r) => r.by === "typescript"));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("a Python-only fleet runs our producer's countdown and ETA tasks on time, delivered by native delayed delivery", async () => {
    const workers = await startAll([startPython("qp-py1"), startPython("qp-py2")]);
    try {
      await redis.del("qp:runs");
      const sent = await produceTs([
        { task: STAMP, tag: "ts-countdown-3", countdown: 3 },
        { task: STAMP, tag: "ts-eta-5", etaIn: 5 },
      ]);
      const retried = await produceTs([{ task: RETRY, tag: "ts-retry" }]);
      const ran = await assertRanOnceOnTime(sent, "Python fleet");
      assert.ok(ran.every((r) => r.by === "python"));
      await assertRetriedThrice(retried, "Python fleet");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("a mixed fleet runs each of 20 countdown tasks from both producers exactly once, and both producers' retries", async () => {
    const workers = await startAll<{ stop(): Promise<void> }>([startPython("qp-mix-py1"), startPython("qp-mix-py2"), startTs("qp-mix-ts1")]);
    try {
      await redis.del("qp:runs");
      const calls = (who: string): Call[] => Array.from({ length: 10 }, (_, i) => ({ task: STAMP, tag: `${who}-${i}`, countdown: 2 + (i % 3) }));
      const [fromPython, fromTs] = await Promise.all([producePython(calls("mix-py")), produceTs(calls("mix-ts"))]);
      await assertRanOnceOnTime([...fromPython, ...fromTs], "mixed fleet");
      const retried = [...(await producePython([{ task: RETRY, tag: "mix-py-retry" }])), ...(await produceTs([{ task: RETRY, tag: "mix-ts-retry" }]))];
      await assertRetriedThrice(retried, "mixed fleet");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
