// Priority ordering parity: the same tasks, published with the same priorities by Python Celery and by
// celery-proto, are executed by a Python worker in the same order — on each broker (RabbitMQ serves the highest
// priority first; kombu's Redis transport serves priority 0 first, in steps 0/3/6/9). And the priority property of the
// messages a worker publishes for a task's outcome, Python Celery's worker and ours, on RabbitMQ.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import amqplib, { type Channel, type ChannelModel } from "amqplib";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import type { Worker } from "../../worker/src/worker.js";
import { PythonDriver } from "../../worker/test/outcomes-python-driver.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PRIORITIES = [0, 9, 3, 6, 1, 8, 5, 2, 7, 4, 9, 0];

for (const broker of ["amqp", "redis"] as BrokerKind[]) {
  describe(`priority ordering over ${broker}: celery-proto = Python Celery`, { timeout: 120_000 }, () => {
    it("a Python worker runs both batches in the same order", async () => {
      const brokerUrl = broker === "redis" ? redisDbUrl(30) : AMQP_URL;
      const resultsUrl = redisDbUrl(31);
      await flush(resultsUrl);
      if (broker === "redis") await flush(brokerUrl);
      const pyQueue = `t-prio-${process.pid}-${broker}-py`;
      const tsQueue = `t-prio-${process.pid}-${broker}-ts`;

      execFileSync(
        path.join(ROOT, ".venv/bin/python"),
        ["conformance/python/reference/publish_priorities.py", brokerUrl, pyQueue, JSON.stringify(PRIORITIES)],
        {
          cwd: ROOT,
          env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python") },
        },
      );
      const client = await createClient({ broker: brokerUrl, backend: resultsUrl, queues: [{ name: tsQueue, maxPriority: 10 }] });
      const ids: string[] = [];
      for (const [index, priority] of PRIORITIES.entries()) {
        ids.push((await client.enqueue("conformance.echo_request", [index, priority], {}, { queue: tsQueue, priority })).id);
      }

      const pyOrder = await runOrder(brokerUrl, resultsUrl, pyQueue);
      const tsOrder = await runOrder(brokerUrl, resultsUrl, tsQueue);
      await client.transport.deleteQueue(pyQueue).catch(() => undefined);
      await client.transport.deleteQueue(tsQueue).catch(() => undefined);
      await client.close();
      assert.equal(tsOrder.length, PRIORITIES.length);
      assert.deepEqual(tsOrder, pyOrder);
      const first = PRIORITIES[tsOrder[0]!];
      assert.equal(first, broker === "amqp" ? 9 : 0, "RabbitMQ serves the highest priority first, kombu's Redis the lowest");
    });
  });
}

/** Starts a one-slot worker on the queue, waits for every task, and returns the task indexes in execution order. */
async function runOrder(brokerUrl: string, resultsUrl: string, queue: string): Promise<number[]> {
  const worker = await PythonWorker.start({
    brokerUrl,
    resultBackend: resultsUrl,
    queue,
    pool: "solo",
    extraArgs: ["--prefetch-multiplier", "1"],
    extraEnv: { CONFORMANCE_PRIORITY_QUEUE: queue },
  });
  const redis = new Redis(resultsUrl);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const keys = await redis.keys("celery-task-meta-*");
      const metas = (await Promise.all(keys.map((k) => redis.get(k)))).map(
        (v) => JSON.parse(v ?? "{}") as { status?: string; result?: { args?: number[]; utc_now?: string }; queue?: string },
      );
      const mine = metas.filter((m) => m.status === "SUCCESS" && m.queue === queue);
      if (mine.length === PRIORITIES.length) {
        return mine
          .sort((a, b) => Date.parse(a.result!.utc_now!) - Date.parse(b.result!.utc_now!) || a.result!.utc_now!.localeCompare(b.result!.utc_now!))
          .map((m) => m.result!.args![0]!);
      }
      if (Date.now() > deadline) throw new Error(`only ${mine.length} of ${PRIORITIES.length} tasks finished on ${queue}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    redis.disconnect();
    await worker.stop();
  }
}

async function flush(url: string): Promise<void> {
  const r = new Redis(url);
  await r.flushdb();
  r.disconnect();
}

// The priority property of what a worker publishes for a task's outcome, Python Celery 5.7's worker and ours, on
// RabbitMQ: each flow is produced by Python Celery once for each worker, the outcome message lands in a queue no worker
// consumes, and basic.get reads its `priority` (null: no property).
const OUTCOME_FLOWS: Record<string, { code: string; messages: number }> = {
  "link callback": { code: `t.add.apply_async((2, 2), queue=W, link=t.mul.s(3).set(queue=T))`, messages: 1 },
  "link callback, default queue": { code: `t.add.apply_async((2, 2), queue=W, link=t.mul.s(3))`, messages: 1 },
  "group callbacks": { code: `t.add.apply_async((2, 2), queue=W, link=[t.mul.s(3).set(queue=T), t.mul.s(4).set(queue=T)])`, messages: 2 },
  "chain step": { code: `chain(t.add.s(1, 2).set(queue=W), t.mul.s(3).set(queue=T)).apply_async()`, messages: 1 },
  errback: { code: `t.fail.apply_async(("boom",), queue=W, link_error=t.record_errback.s().set(queue=T))`, messages: 1 },
  "chord body": { code: `chord([t.add.s(1, 1).set(queue=W), t.add.s(2, 2).set(queue=W)], t.xsum.s().set(queue=T)).apply_async()`, messages: 1 },
  "retry, delivered without priority": {
    code: `app.send_task("conformance.retry_once", kwargs={"retry_queue": T}, queue=W, priority=None)`,
    messages: 1,
  },
  "retry, delivered with priority 0": { code: `app.send_task("conformance.retry_once", kwargs={"retry_queue": T}, queue=W)`, messages: 1 },
  "retry, delivered with priority 5": { code: `app.send_task("conformance.retry_once", kwargs={"retry_queue": T}, queue=W, priority=5)`, messages: 1 },
};

const OUTCOME_PRIORITIES: Record<string, (number | null)[]> = {
  "link callback": [null],
  "link callback, default queue": [0],
  "group callbacks": [null, null],
  "chain step": [null],
  errback: [null],
  "chord body": [null],
  "retry, delivered without priority": [null],
  "retry, delivered with priority 0": [0],
  "retry, delivered with priority 5": [5],
};

describe("outcome messages over amqp: the priority property our worker sends = Python Celery 5.7's worker", { timeout: 180_000 }, () => {
  const tag = `t-oprio-${process.pid}`;
  const sides = ["py", "ts"] as const;
  const workerQueue = (side: string): string => `${tag}-${side}`;
  const defaultQueue = (side: string): string => `${tag}-${side}-default`;
  const target = (side: string, flow: string): string => `${tag}-${side}-${flow.replace(/[^a-z0-9]+/g, "-")}`;
  const targets = sides.flatMap((side) => Object.keys(OUTCOME_FLOWS).map((flow) => target(side, flow)));
  const resultsUrl = redisDbUrl(31);
  let connection: ChannelModel;
  let channel: Channel;
  let driver: PythonDriver;
  let python: PythonWorker;
  let ours: Worker;

  before(async () => {
    connection = await amqplib.connect(AMQP_URL);
    channel = await connection.createChannel();
    for (const queue of [...targets, ...sides.map(defaultQueue)]) await channel.assertQueue(queue, { durable: true });
    driver = await PythonDriver.start(AMQP_URL, resultsUrl, `${tag}-driver`);
    python = await PythonWorker.start({
      brokerUrl: AMQP_URL,
      resultBackend: resultsUrl,
      queue: workerQueue("py"),
      pool: "solo",
      extraEnv: { CONFORMANCE_QUEUE: defaultQueue("py") },
    });
    ours = createWorker({
      broker: AMQP_URL,
      backend: resultsUrl,
      queues: [workerQueue("ts")],
      pool: "async",
      concurrency: 1,
      hostname: `${tag}@test`,
      control: false,
      heartbeat: false,
      mingle: false,
      logLevel: "ERROR",
      config: { task_default_queue: defaultQueue("ts") },
    });
    ours.registry.register<[number, number], number, Readonly<Record<string, unknown>>>("conformance.add", ([a, b]) => a + b);
    ours.registry.register("conformance.fail", ([message]) => {
      const error = new Error(String(message));
      error.name = "ValueError";
      throw error;
    });
    ours.registry.register<unknown[], string, { retry_queue?: string }>(
      "conformance.retry_once",
      (_args, kwargs, ctx) => (ctx.request.retries === 0 ? ctx.retry({ countdown: 1, exc: new Error("retry once"), queue: kwargs.retry_queue }) : "retried"),
      { maxRetries: 3 },
    );
    await ours.start();
  });

  after(async () => {
    await ours?.stop();
    await python?.stop();
    await driver?.stop();
    for (const name of [...targets, ...sides.flatMap((side) => [workerQueue(side), defaultQueue(side)]), `${tag}-driver`]) {
      await channel.deleteQueue(name).catch(() => undefined);
      await channel.deleteExchange(name).catch(() => undefined);
    }
    await connection?.close();
  });

  /** The priorities of the first `count` messages in `queue` (null where the property is absent). */
  async function priorities(queue: string, count: number): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    const deadline = Date.now() + 30_000;
    while (out.length < count) {
      const message = await channel.get(queue, { noAck: true });
      if (message !== false) out.push((message.properties.priority as number | undefined) ?? null);
      else if (Date.now() > deadline) throw new Error(`only ${out.length} of ${count} messages arrived in ${queue}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  }

  for (const [flow, { code, messages }] of Object.entries(OUTCOME_FLOWS)) {
    it(flow, async () => {
      const seen: Record<string, (number | null)[]> = {};
      for (const side of sides) {
        const queue = flow.endsWith("default queue") ? defaultQueue(side) : target(side, flow);
        await driver.value(`W, T = arg\n${code}`, [workerQueue(side), queue]);
        seen[side] = await priorities(queue, messages);
      }
      assert.deepEqual(seen, { py: OUTCOME_PRIORITIES[flow], ts: OUTCOME_PRIORITIES[flow] });
    });
  }
});
