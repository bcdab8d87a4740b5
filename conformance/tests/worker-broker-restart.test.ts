// The TS worker survives a broker restart in the middle of a batch and every task completes: RabbitMQ (the
// test-owned fault node on 5684, durable queue, persistent messages) restarted with rabbitmqctl, and a Redis broker
// with an append-only file killed with SIGKILL and started again. Results go to the shared Redis, which stays up.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { FAULT_NODE, runFaultNode } from "../harness/amqp-fault-node.js";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

const RESULT_DB = 23;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
const COUNT = 200;

interface Broker {
  readonly name: string;
  url(): string;
  setUp(): Promise<void>;
  restart(): Promise<void>;
  tearDown(): Promise<void>;
}

const redisDir = mkdtempSync(path.join(tmpdir(), "celery-proto-worker-restart-"));
let redisServer: PrivateRedisServer | null = null;
const BROKERS: readonly Broker[] = [
  {
    name: "redis (append-only file, SIGKILL + start)",
    url: () => redisServer!.url(0),
    setUp: async () => {
      redisServer = await PrivateRedisServer.start(["--appendonly", "yes", "--appendfsync", "always", "--dir", redisDir]);
    },
    restart: async () => {
      await redisServer!.stop();
      await new Promise((r) => setTimeout(r, 500));
      await redisServer!.restart();
    },
    tearDown: async () => {
      await redisServer?.dispose();
      rmSync(redisDir, { recursive: true, force: true });
    },
  },
  {
    name: "rabbitmq (rabbitmqctl stop_app/start_app)",
    url: () => FAULT_NODE.url,
    setUp: () => runFaultNode("start"),
    restart: () => runFaultNode("restart-rabbitmq"),
    tearDown: () => runFaultNode("stop-rabbitmq"),
  },
];

for (const broker of BROKERS) {
  describe(`TS worker across a broker restart: ${broker.name}`, { timeout: 240_000 }, () => {
    const queue = `t-wrestart-${process.pid}-${broker.name.split(" ")[0]}`;
    const results = new Redis(redisDbUrl(RESULT_DB));
    const lines: string[] = [];

    before(async () => {
      await broker.setUp();
      await results.flushdb();
    });

    after(async () => {
      results.disconnect();
      await broker.tearDown();
    });

    it(`${COUNT} tasks, the broker restarted mid-batch: every task's result is stored and the worker keeps running`, async () => {
      const client = await createClient({ broker: broker.url(), backend: redisDbUrl(RESULT_DB), defaultQueue: queue });
      const ids = new Set<string>();
      for (let i = 0; i < COUNT; i++) ids.add((await client.enqueue("conformance.sleep", [0.02])).id);
      await client.close();

      const worker = createWorker({
        broker: broker.url(),
        backend: redisDbUrl(RESULT_DB),
        queues: [queue],
        concurrency: 4,
        hostname: `t-wrestart-${process.pid}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
      });
      await loadTaskModule(TASKS, worker.registry);
      await worker.start();
      try {
        await waitFor(async () => (await storedSuccesses(results, ids)) >= 30, 60_000, "30 results before the restart");
        const before = await storedSuccesses(results, ids);
        await broker.restart();
        await waitFor(async () => (await storedSuccesses(results, ids)) === COUNT, 120_000, `all ${COUNT} results after the restart`, async () => lines.slice(-5).join(""));
        assert.ok(before < COUNT, `the restart came mid-batch (${before} of ${COUNT} done before it)`);
        assert.ok(!lines.join("").includes("Unrecoverable error"), "the worker did not give up");
      } finally {
        await worker.stop();
      }
    });
  });
}

async function storedSuccesses(redis: Redis, ids: ReadonlySet<string>): Promise<number> {
  const keys = [...ids].map((id) => `celery-task-meta-${id}`);
  const values = await redis.mget(...keys);
  return values.filter((v) => v !== null && (JSON.parse(v) as { status?: string }).status === "SUCCESS").length;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, describe?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${describe === undefined ? "" : `; ${await describe()}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
