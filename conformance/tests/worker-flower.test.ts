// Flower (the Celery monitoring UI, pinned in conformance/python/requirements.txt) watching a TS worker on both
// brokers: its HTTP API lists the worker with what `inspect` returns (stats, registered tasks, queues), shows it
// online from its heartbeats, and tracks each task the TS worker runs to its final state from the events.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { findFreePort } from "../harness/redis-private-server.js";
import { poll } from "../harness/poll.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER_DB = 24;
const RESULT_DB = 25;

interface FlowerTask {
  readonly name?: string;
  readonly state?: string;
  readonly worker?: string;
  readonly result?: string;
  readonly exception?: string;
}

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`Flower sees a TS worker (${broker})`, { timeout: 120_000 }, () => {
    const queue = `t-flower-${process.pid}-${broker}`;
    const node = `t-flower-${process.pid}-${broker}@localhost`;
    const brokerUrl = broker === "redis" ? redisDbUrl(BROKER_DB) : AMQP_URL;
    let worker: ProtoWorkerProcess;
    let flower: ChildProcess;
    let flowerLog = "";
    let base = "";
    let client: Client;

    before(async () => {
      worker = await ProtoWorkerProcess.start([
        "-A",
        "conformance/ts-tasks/conformance-tasks.ts",
        "-l",
        "info",
        "-Q",
        queue,
        "-c",
        "2",
        "-n",
        node,
        "-E",
        "--without-mingle",
        "--broker",
        brokerUrl,
        "--backend",
        redisDbUrl(RESULT_DB),
      ]);
      const port = await findFreePort();
      base = `http://127.0.0.1:${port}`;
      flower = spawn(path.join(ROOT, ".venv/bin/celery"), ["-A", "conformance_app", "flower", "--address=127.0.0.1", `--port=${port}`], {
        cwd: ROOT,
        env: {
          ...process.env,
          PYTHONPATH: path.join(ROOT, "conformance/python"),
          CONFORMANCE_BROKER_URL: brokerUrl,
          CONFORMANCE_RESULT_BACKEND: redisDbUrl(RESULT_DB),
          CONFORMANCE_QUEUE: queue,
          FLOWER_UNAUTHENTICATED_API: "true",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      flower.stdout?.on("data", (d: Buffer) => (flowerLog += d.toString()));
      flower.stderr?.on("data", (d: Buffer) => (flowerLog += d.toString()));
      await poll(
        async () =>
          (await fetch(`${base}/healthcheck`)
            .then((r) => r.text())
            .catch(() => "")) === "OK",
        30_000,
        () => `Flower did not start:\n${flowerLog}`,
      );
      client = await createClient({ broker: brokerUrl, backend: redisDbUrl(RESULT_DB), defaultQueue: queue });
    });

    after(async () => {
      await client?.close();
      flower?.kill("SIGTERM");
      await worker?.stop();
    });

    it("lists the worker with its stats, registered tasks and queues (Flower's inspect calls), online by heartbeat", async () => {
      const workers = (await getJson(`${base}/api/workers?refresh=1`)) as Record<
        string,
        { stats?: { pool?: unknown }; registered?: string[]; active_queues?: { name: string }[] }
      >;
      const info = workers[node];
      assert.ok(info !== undefined, `Flower lists ${node}: ${Object.keys(workers).join(", ")}`);
      assert.ok(info.registered?.includes("conformance.add"), "registered tasks");
      assert.deepEqual(
        info.active_queues?.map((q) => q.name),
        [queue],
      );
      assert.equal(typeof info.stats?.pool, "object", "stats with a pool section");
      await poll(
        async () => ((await getJson(`${base}/api/workers?status=1`)) as Record<string, boolean>)[node] === true,
        15_000,
        () => "Flower never saw the worker online",
      );
    });

    it("tracks each task the TS worker runs to its final state, with its name, worker and result", async () => {
      const ok = await client.enqueue("conformance.add", [2, 3]);
      const failed = await client.enqueue("conformance.fail", ["nope"]);
      assert.equal(await ok.get({ timeoutMs: 15_000 }), 5);
      await assert.rejects(failed.get({ timeoutMs: 15_000 }));
      let tasks: Record<string, FlowerTask> = {};
      await poll(
        async () => {
          tasks = (await getJson(`${base}/api/tasks`)) as Record<string, FlowerTask>;
          return tasks[ok.id]?.state === "SUCCESS" && tasks[failed.id]?.state === "FAILURE";
        },
        20_000,
        () => `Flower's tasks: ${JSON.stringify(tasks)}`,
      );
      assert.deepEqual(pick(tasks[ok.id]), { name: "conformance.add", state: "SUCCESS", worker: node, result: "5" });
      assert.equal(tasks[failed.id]?.worker, node);
      assert.match(tasks[failed.id]?.exception ?? "", /nope/);
    });
  });
}

function pick(task: FlowerTask | undefined): Partial<FlowerTask> {
  return { name: task?.name, state: task?.state, worker: task?.worker, result: task?.result };
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `${url}: HTTP ${response.status}`);
  return response.json();
}
