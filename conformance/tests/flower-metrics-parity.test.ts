// Flower's /metrics (flower 2.2.0 from .venv) for the same tasks sent by a Python producer to a Python Celery worker
// and by our producer to `proto worker`, both with task_send_sent_event and task events on, on one broker, watched by
// one Flower process: every flower_* series per worker label (worker and producer nodenames mapped to roles) is equal.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "../../sdk/src/client/client.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import { defaultOrigin } from "../../sdk/src/codec/task/create-task-message.js";
import { type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { scrapePrometheus, type PrometheusSample } from "../harness/prometheus-text.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";
import { findFreePort } from "../harness/redis-private-server.js";
import { PARITY_CALLS, runSentEventProducer } from "../harness/sent-event-producer.js";
import { poll } from "../harness/poll.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
// No flush: queue names and node names are this run's own, task ids are unique.
const REDIS_DB = 1;

/** What each worker ends with: task-* event counts Flower counted under the worker's nodename. */
const DONE: Readonly<Record<string, number>> = { "task-succeeded": 4, "task-failed": 2, "task-retried": 1, "task-revoked": 1 };
const FLOWER_METRICS = new Set([
  "flower_events_total",
  "flower_worker_online",
  "flower_task_runtime_seconds_count",
  "flower_worker_prefetched_tasks",
  "flower_worker_number_of_currently_executing_tasks",
  "flower_task_prefetch_time_seconds",
]);

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`Flower /metrics: proto worker + our producer = Celery worker + Celery producer (${broker})`, { timeout: 180_000 }, () => {
    const tag = `flower-parity-${process.pid}-${broker}`;
    const pyNode = `py-${tag}@localhost`;
    const tsNode = `ts-${tag}@localhost`;
    const pyQueue = `py-${tag}`;
    const tsQueue = `ts-${tag}`;
    let vhost: TestVhost | undefined;
    let brokerUrl = "";
    const backend = redisDbUrl(REDIS_DB);
    let pyWorker: PythonWorker | undefined;
    let tsWorker: ProtoWorkerProcess | undefined;
    let flower: ChildProcess | undefined;
    let flowerLog = "";
    let metricsUrl = "";
    let client: Client | undefined;

    before(async () => {
      if (broker === "amqp") vhost = await createTestVhost(tag);
      brokerUrl = vhost?.url ?? redisDbUrl(REDIS_DB);
      [pyWorker, tsWorker] = await Promise.all([
        PythonWorker.start({ brokerUrl, resultBackend: backend, queue: pyQueue, nodeName: pyNode, events: true }),
        ProtoWorkerProcess.start([
          "-A",
          "conformance/ts-tasks/conformance-tasks.ts",
          "-l",
          "info",
          "-Q",
          tsQueue,
          "-c",
          "1",
          "-n",
          tsNode,
          "-E",
          "--without-mingle",
          "--without-gossip",
          "--broker",
          brokerUrl,
          "--backend",
          backend,
        ]),
      ]);
      const port = await findFreePort();
      metricsUrl = `http://127.0.0.1:${port}/metrics`;
      flower = spawn(path.join(ROOT, ".venv/bin/celery"), [`--broker=${brokerUrl}`, "flower", "--address=127.0.0.1", `--port=${port}`], {
        cwd: ROOT,
        env: { ...process.env, PYTHONUNBUFFERED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      flower.stdout?.on("data", (d: Buffer) => (flowerLog += d.toString()));
      flower.stderr?.on("data", (d: Buffer) => (flowerLog += d.toString()));
      // Online in Flower = Flower's event receiver is consuming: only then may the tasks (and their task-sent) go out.
      await poll(
        async () => {
          const online = (await scrapePrometheus(metricsUrl).catch(() => [])).filter((s) => s.name === "flower_worker_online" && s.value === 1);
          return [pyNode, tsNode].every((node) => online.some((s) => s.labels["worker"] === node));
        },
        45_000,
        () => `Flower never saw both workers online:\n${flowerLog}`,
      );
      client = await createClient({ broker: brokerUrl, backend, defaultQueue: tsQueue, sendSentEvent: true });
    });

    after(async () => {
      await client?.close();
      flower?.kill("SIGTERM");
      await Promise.all([pyWorker?.stop(), tsWorker?.stop()]);
      await vhost?.delete().catch(() => undefined);
    });

    it("counts the same events, runtimes and worker gauges for both (per worker and per producer)", async () => {
      const pyProducer = await runSentEventProducer({ broker: brokerUrl, backend, queue: pyQueue, calls: PARITY_CALLS });
      const sdk = client as Client;
      for (const call of PARITY_CALLS) await sdk.enqueue(call.task, [...(call.args ?? [])], {}, { queue: tsQueue, ...call.options });
      const roles: Record<string, Record<string, string>> = {
        python: { [pyNode]: "worker", [pyProducer.nodename]: "producer" },
        ours: { [tsNode]: "worker", [defaultOrigin()]: "producer" },
      };
      let samples: PrometheusSample[] = [];
      await poll(
        async () => {
          samples = await scrapePrometheus(metricsUrl);
          return [pyNode, tsNode].every((node) => Object.entries(DONE).every(([type, n]) => eventCount(samples, node, type) === n));
        },
        45_000,
        () => `not every task finished:\n${JSON.stringify(byRole(samples, roles), null, 1)}\npython worker:\n${pyWorker?.log}\nproto worker:\n${tsWorker?.log}`,
      );
      // At rest: two heartbeats later every gauge (executing tasks, prefetched) has settled.
      await sleep(5_000);
      const view = byRole(await scrapePrometheus(metricsUrl), roles);
      assert.ok(Object.keys(view["python"] ?? {}).length > 10, `Flower's view of Python: ${JSON.stringify(view["python"])}`);
      assert.deepEqual(view["ours"], view["python"]);
    });
  });
}

function eventCount(samples: readonly PrometheusSample[], worker: string, type: string): number {
  return samples
    .filter((s) => s.name === "flower_events_total" && s.labels["worker"] === worker && s.labels["type"] === type)
    .reduce((sum, s) => sum + s.value, 0);
}

/** The flower_* series of each side, keyed by metric name and labels with the worker label replaced by its role. */
function byRole(samples: readonly PrometheusSample[], roles: Record<string, Record<string, string>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [side, nodes] of Object.entries(roles)) {
    const series: Record<string, number> = {};
    for (const s of samples) {
      const role = nodes[s.labels["worker"] ?? ""];
      if (role === undefined || !FLOWER_METRICS.has(s.name)) continue;
      const labels = Object.entries({ ...s.labels, worker: role })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      // The prefetch time gauge holds a duration while a task waits; only whether it is back to 0 is comparable.
      series[`${s.name}{${labels}}`] = s.name === "flower_task_prefetch_time_seconds" ? Number(s.value > 0) : s.value;
    }
    out[side] = Object.fromEntries(Object.entries(series).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}
