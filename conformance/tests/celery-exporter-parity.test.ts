// danihodovic/celery-exporter (prometheus-exporter-celery 0.11.2, .venv-celery-exporter) for the same tasks sent by a
// Python producer to a Python Celery worker and by our producer to `proto worker`, watched by one exporter on one
// broker: every celery_* series per hostname and queue (mapped to roles) is equal, and its per-scrape inspect of
// both workers (stats with pool.processes, active_queues) answers (a reply it cannot read turns /metrics into a 500).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "../../sdk/src/client/client.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import { type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { scrapePrometheus, type PrometheusSample } from "../harness/prometheus-text.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";
import { findFreePort } from "../harness/redis-private-server.js";
import { PARITY_CALLS, runSentEventProducer } from "../harness/sent-event-producer.js";
import { poll } from "../harness/poll.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv-celery-exporter/bin/python");
const REDIS_DB = 1;
const DONE: Readonly<Record<string, number>> = { succeeded: 4, failed: 2, retried: 1, revoked: 1 };

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`celery-exporter: proto worker + our producer = Celery worker + Celery producer (${broker})`, {
    timeout: 180_000,
    skip: existsSync(PYTHON) ? false : ".venv-celery-exporter missing: bash scripts/setup/python.sh",
  }, () => {
    const tag = `exporter-parity-${process.pid}-${broker}`;
    // The exporter labels by the host part of the nodename: each worker gets a host of its own.
    const pyHost = `py-${tag}`;
    const tsHost = `ts-${tag}`;
    const pyQueue = `py-${tag}`;
    const tsQueue = `ts-${tag}`;
    let vhost: TestVhost | undefined;
    let brokerUrl = "";
    const backend = redisDbUrl(REDIS_DB);
    let pyWorker: PythonWorker | undefined;
    let tsWorker: ProtoWorkerProcess | undefined;
    let exporter: ChildProcess | undefined;
    let exporterLog = "";
    let metricsUrl = "";
    let client: Client | undefined;

    before(async () => {
      if (broker === "amqp") vhost = await createTestVhost(tag);
      brokerUrl = vhost?.url ?? redisDbUrl(REDIS_DB);
      [pyWorker, tsWorker] = await Promise.all([
        PythonWorker.start({ brokerUrl, resultBackend: backend, queue: pyQueue, nodeName: `worker@${pyHost}`, events: true }),
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
          `worker@${tsHost}`,
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
      exporter = spawn(
        PYTHON,
        ["-c", 'from src.cli import cli; cli(auto_envvar_prefix="CE")', `--broker-url=${brokerUrl}`, "--host=127.0.0.1", `--port=${port}`],
        {
          cwd: ROOT,
          env: { ...process.env, PYTHONUNBUFFERED: "1" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      exporter.stdout?.on("data", (d: Buffer) => (exporterLog += d.toString()));
      exporter.stderr?.on("data", (d: Buffer) => (exporterLog += d.toString()));
      await poll(
        async () => {
          const up = (await scrapePrometheus(metricsUrl).catch(() => [])).filter((s) => s.name === "celery_worker_up" && s.value === 1);
          return [pyHost, tsHost].every((host) => up.some((s) => s.labels["hostname"] === host));
        },
        45_000,
        () => `celery-exporter never saw both workers up:\n${exporterLog}`,
      );
      client = await createClient({ broker: brokerUrl, backend, defaultQueue: tsQueue, sendSentEvent: true });
    });

    after(async () => {
      await client?.close();
      exporter?.kill("SIGTERM");
      await Promise.all([pyWorker?.stop(), tsWorker?.stop()]);
      await vhost?.delete().catch(() => undefined);
    });

    it("counts the same task events, runtimes, worker and queue gauges for both (per hostname and queue)", async () => {
      await runSentEventProducer({ broker: brokerUrl, backend, queue: pyQueue, calls: PARITY_CALLS });
      const sdk = client as Client;
      for (const call of PARITY_CALLS) await sdk.enqueue(call.task, [...(call.args ?? [])], {}, { queue: tsQueue, ...call.options });
      const producerHost = os.hostname();
      const roles: Record<string, Record<string, string>> = {
        python: { [pyHost]: "worker", [pyQueue]: "queue", [producerHost]: "producer" },
        ours: { [tsHost]: "worker", [tsQueue]: "queue", [producerHost]: "producer" },
      };
      let samples: PrometheusSample[] = [];
      await poll(
        async () => {
          samples = await scrapePrometheus(metricsUrl);
          return [pyHost, tsHost].every((host) => Object.entries(DONE).every(([kind, n]) => total(samples, `celery_task_${kind}_total`, host) === n));
        },
        45_000,
        () => `not every task finished:\n${JSON.stringify(byRole(samples, roles), null, 1)}\n${exporterLog}`,
      );
      await sleep(5_000);
      const view = byRole(await scrapePrometheus(metricsUrl), roles);
      assert.ok(Object.keys(view["python"] ?? {}).length > 10, `the exporter's view of Python: ${JSON.stringify(view["python"])}`);
      assert.deepEqual(view["ours"], view["python"]);
      // Its inspect replies: one worker and one pool process on each queue.
      assert.equal(view["ours"]?.["celery_active_worker_count{queue_name=queue}"], 1);
      assert.equal(view["ours"]?.["celery_active_process_count{queue_name=queue}"], 1);
    });
  });
}

function total(samples: readonly PrometheusSample[], name: string, hostname: string): number {
  return samples.filter((s) => s.name === name && s.labels["hostname"] === hostname).reduce((sum, s) => sum + s.value, 0);
}

/**
 * The celery_* series of one side: those whose hostname or queue_name label is that side's (task-sent: the producer
 * host, which both producers share, and that side's queue), with label values replaced by roles.
 */
function byRole(samples: readonly PrometheusSample[], roles: Record<string, Record<string, string>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [side, values] of Object.entries(roles)) {
    const series: Record<string, number> = {};
    for (const s of samples) {
      if (!s.name.startsWith("celery_") || s.name.endsWith("_created") || s.name.endsWith("_bucket") || s.name.endsWith("_sum")) continue;
      const { hostname, queue_name: queue } = s.labels;
      const mine = (hostname === undefined || values[hostname] !== undefined) && (queue === undefined || values[queue] === "queue");
      const ownHost = hostname !== undefined && values[hostname] === "worker";
      if (!mine || (hostname === undefined && queue === undefined) || (queue === undefined && !ownHost)) continue;
      const labels = Object.entries(s.labels)
        .map(([k, v]) => [k, values[v] ?? v] as const)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      series[`${s.name}{${labels}}`] = s.value;
    }
    out[side] = Object.fromEntries(Object.entries(series).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}
