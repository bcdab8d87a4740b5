// The TS worker survives a broker restart in the middle of a batch and every task completes: RabbitMQ (the
// test-owned fault node on 5684, durable queue, persistent messages) restarted with rabbitmqctl, and a Redis broker
// with an append-only file killed with SIGKILL and started again. Results go to the shared Redis, which stays up.
// Then the Redis broker is crashed eight times in one drain: a fetch whose reply dies with the server (its messages
// already popped and persisted) must not lose them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import type { Worker } from "../../worker/src/worker.js";
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

    it(`${broker.name}: ${COUNT} tasks, the broker restarted mid-batch: every task's result is stored and the worker keeps running`, async () => {
      const ids = await enqueueSleeps(broker.url(), queue, COUNT, 0.02);
      const worker = await startWorker(broker.url(), queue, 4, `t-wrestart-${process.pid}@%h`, lines);
      try {
        await waitFor(async () => (await storedSuccesses(results, ids)) >= 30, 60_000, "30 results before the restart");
        const before = await storedSuccesses(results, ids);
        await broker.restart();
        await waitFor(
          async () => (await storedSuccesses(results, ids)) === COUNT,
          120_000,
          `all ${COUNT} results after the restart`,
          async () => lines.slice(-5).join(""),
        );
        assert.ok(before < COUNT, `the restart came mid-batch (${before} of ${COUNT} done before it)`);
        assert.ok(!lines.join("").includes("Unrecoverable error"), "the worker did not give up");
      } finally {
        await worker.stop();
      }
    });
  });
}

/** Enqueues `count` `conformance.sleep(seconds)` tasks; resolves with their ids. */
async function enqueueSleeps(broker: string, queue: string, count: number, seconds: number): Promise<Set<string>> {
  const client = await createClient({ broker, backend: redisDbUrl(RESULT_DB), defaultQueue: queue });
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) ids.add((await client.enqueue("conformance.sleep", [seconds])).id);
  await client.close();
  return ids;
}

/** A started TS worker on `queue` with the conformance tasks, logging at INFO into `lines`. */
async function startWorker(broker: string, queue: string, concurrency: number, hostname: string, lines: string[]): Promise<Worker> {
  const worker = createWorker({
    broker,
    backend: redisDbUrl(RESULT_DB),
    queues: [queue],
    concurrency,
    hostname,
    logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
    mingle: false,
    heartbeat: false,
  });
  await loadTaskModule(TASKS, worker.registry);
  await worker.start();
  return worker;
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

describe("TS worker across repeated Redis crashes in one drain", { timeout: 240_000 }, () => {
  const TASKS_IN_DRAIN = 3000;
  const CRASHES = 8;
  const dir = mkdtempSync(path.join(tmpdir(), "celery-proto-worker-crashes-"));
  const queue = `t-wcrash-${process.pid}`;
  const results = new Redis(redisDbUrl(RESULT_DB));
  let server: PrivateRedisServer;

  before(async () => {
    server = await PrivateRedisServer.start(["--appendonly", "yes", "--appendfsync", "always", "--dir", dir]);
    await results.flushdb();
  });

  after(async () => {
    results.disconnect();
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${TASKS_IN_DRAIN} tasks, Redis killed (SIGKILL) ${CRASHES} times while the worker fetches: every task runs exactly once, nothing is left queued or unacked`, async () => {
    const ids = await enqueueSleeps(server.url(0), queue, TASKS_IN_DRAIN, 0.002);
    const lines: string[] = [];
    const worker = await startWorker(server.url(0), queue, 8, `t-wcrash-${process.pid}@%h`, lines);
    try {
      for (let crash = 0; crash < CRASHES; crash++) {
        // Each crash comes while the worker is draining at full speed (40 more results since it reconnected).
        const base = await storedSuccesses(results, ids);
        await waitFor(async () => (await storedSuccesses(results, ids)) >= Math.min(base + 40, TASKS_IN_DRAIN), 60_000, `progress before crash ${crash + 1}`);
        await new Promise((r) => setTimeout(r, Math.random() * 100));
        await server.stop();
        await new Promise((r) => setTimeout(r, 300));
        await server.restart();
      }
      await waitFor(
        async () => (await storedSuccesses(results, ids)) === TASKS_IN_DRAIN,
        120_000,
        `all ${TASKS_IN_DRAIN} results`,
        async () => lines.slice(-5).join(""),
      );
    } finally {
      await worker.stop();
    }
    const runs = new Map<string, number>();
    for (const match of lines.join("").matchAll(/Task conformance\.sleep\[([0-9a-f-]+)\] succeeded/g))
      runs.set(match[1] as string, (runs.get(match[1] as string) ?? 0) + 1);
    assert.deepEqual(
      [...runs.entries()].filter(([, n]) => n !== 1),
      [],
      "no task ran twice",
    );
    assert.equal(runs.size, TASKS_IN_DRAIN);
    const broker = new Redis(server.url(0));
    try {
      assert.equal(await broker.llen(queue), 0, "queue drained");
      assert.equal(await broker.hlen("unacked"), 0, "nothing left in unacked");
      assert.equal(await broker.zcard("unacked_index"), 0, "nothing left in unacked_index");
    } finally {
      broker.disconnect();
    }
  });
});
