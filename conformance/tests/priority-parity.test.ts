// Priority ordering parity: the same tasks, published with the same priorities by Python Celery and by
// celery-proto, are executed by a Python worker in the same order — on each broker (RabbitMQ serves the highest
// priority first; kombu's Redis transport serves priority 0 first, in steps 0/3/6/9).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
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
