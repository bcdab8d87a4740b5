// Prometheus metrics of the built `proto worker --metrics-port` (node bin/proto.js) with a REAL Python Celery producer:
// successes, failures, a retry, an expired task and a malformed message; `/metrics` parses with a strict text-format
// parser and with Python's prometheus_client, and its counters and histogram counts equal the tasks run. Redis db 1
// (queues of its own, never flushed) and RabbitMQ. Also: prom-client is loaded only when metrics are on.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient } from "../harness/celery-client-script.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { type MetricFamily, parsePrometheusExposition, sampleValue, sumValues } from "../harness/parse-prometheus-exposition.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { rawRedisEnvelope } from "../harness/raw-redis-envelope.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DB = 1;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `proto worker` from dist, resolving once it logged `ready.`. */
async function startProtoWorker(args: readonly string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/proto.js"), "worker", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/\] \S+ ready\.\n/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`proto worker did not get ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output };
}

/** Python's reference parser: families with their type and the sum of every sample by sample name. */
async function parseWithPrometheusClient(text: string): Promise<Record<string, { type: string; sums: Record<string, number> }>> {
  const script = [
    "import sys, json",
    "from prometheus_client.parser import text_string_to_metric_families",
    "out = {}",
    "for f in text_string_to_metric_families(sys.stdin.read()):",
    "    sums = {}",
    "    for s in f.samples: sums[s.name] = sums.get(s.name, 0) + s.value",
    "    out[f.name] = {'type': f.type, 'sums': sums}",
    "print(json.dumps(out))",
  ].join("\n");
  const child = execFile(path.join(ROOT, ".venv/bin/python"), ["-c", script], { timeout: 30_000 });
  child.stdin?.end(text);
  const stdout = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`prometheus_client could not parse /metrics:\n${err}`))));
  });
  return JSON.parse(stdout) as Record<string, { type: string; sums: Record<string, number> }>;
}

describe("proto worker loads prom-client only with metrics", { timeout: 60_000 }, () => {
  it("importing the worker entry and the CLI, and running a worker without metrics, load no prom-client", async () => {
    ensureBuilt();
    const { stdout } = await run(process.execPath, [path.join(ROOT, "conformance/harness/worker-module-loads.ts"), path.join(ROOT, "dist")], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: "--import tsx" },
      timeout: 60_000,
    });
    const { imported, ran, withMetrics } = JSON.parse(stdout.trim().split("\n").at(-1) as string) as Record<string, string[]>;
    assert.ok(!imported?.includes("prom-client"), imported?.join(", "));
    assert.ok(!ran?.includes("prom-client"), ran?.join(", "));
    assert.ok(withMetrics?.includes("prom-client"), withMetrics?.join(", "));
  });
});

for (const broker of ["redis", "amqp"] as BrokerKind[]) {
  describe(`proto worker --metrics-port ← Python Celery producer (${broker})`, { timeout: 120_000 }, () => {
    const queue = `t-metrics-${process.pid}-${broker}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    let worker: { child: ChildProcess; output: () => string };
    let url: string;

    before(async () => {
      ensureBuilt();
      const port = await freePort();
      url = `http://127.0.0.1:${port}/metrics`;
      worker = await startProtoWorker([
        ...["-A", TASKS, "-Q", queue, "-c", "2", "-l", "info", "-n", `t-metrics-${process.pid}-${broker}@metrics-host`],
        ...["-b", brokerUrl, "--backend", redisDbUrl(DB), "--without-mingle", "--without-heartbeat", "--metrics-port", String(port)],
      ]);
    });

    after(async () => {
      worker.child.kill("SIGTERM");
      await new Promise((resolve) => (worker.child.exitCode !== null ? resolve(null) : worker.child.once("close", resolve)));
      await assert.rejects(fetch(url), "the endpoint closes with the worker");
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });

    it("counters and histogram counts equal the tasks run; the text parses strictly and with prometheus_client", async () => {
      const bad = { headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {", type: "application/json" };
      if (broker === "redis") {
        const raw = new RawRedisPublisher(redisDbUrl(DB));
        await raw.lpush(queue, rawRedisEnvelope(queue, bad));
        await raw.close();
      } else {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.publish({
          exchange: "",
          routingKey: queue,
          body: Buffer.from(bad.body, "latin1"),
          properties: { content_type: bad.type, content_encoding: "utf-8", delivery_mode: 2, headers: bad.headers },
        });
        await raw.close();
      }
      const SUCCESSES = 4;
      const FAILURES = 3;
      const results = await runCeleryClient("call", {
        broker: brokerUrl,
        backend: redisDbUrl(DB),
        queue,
        timeout: 30,
        // The expired task first: RabbitMQ drops a message whose TTL (expiration 0) is up unless a consumer with room takes it at once.
        calls: [
          { task: "conformance.add", args: "[1, 1]", options: { expires: -5 } },
          ...Array.from({ length: SUCCESSES }, (_, n) => ({ task: "conformance.add", args: `[${n}, 1]` })),
          ...Array.from({ length: FAILURES }, (_, n) => ({ task: "conformance.fail", args: `["boom ${n}"]` })),
          { task: "conformance.retry_once" },
        ],
      });
      assert.deepEqual(
        results.map((r) => r.state),
        ["REVOKED", ...Array(SUCCESSES).fill("SUCCESS"), ...Array(FAILURES).fill("FAILURE"), "SUCCESS"],
      );

      let text = "";
      let families = new Map<string, MetricFamily>();
      const done = () =>
        sumValues(families, "celery_task_succeeded_total") === SUCCESSES + 1 && sumValues(families, "celery_proto_messages_refused_total") === 1;
      const deadline = Date.now() + 10_000;
      do {
        const response = await fetch(url);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
        text = await response.text();
        families = parsePrometheusExposition(text);
        if (!done()) await new Promise((r) => setTimeout(r, 50));
      } while (!done() && Date.now() < deadline);

      const labels = (name: string) => ({ name, hostname: "metrics-host", queue_name: queue });
      const add = labels("conformance.add");
      const fail = labels("conformance.fail");
      const retry = labels("conformance.retry_once");
      const value = (metric: string, l: Record<string, string>, sample = metric) => sampleValue(families, metric, l, sample);
      assert.deepEqual(
        ["received", "started", "succeeded", "revoked", "retried"].map((k) => value(`celery_task_${k}_total`, add)),
        [SUCCESSES, SUCCESSES, SUCCESSES, 1, 0],
        "conformance.add: the expired one is revoked, never received",
      );
      assert.deepEqual(
        ["received", "started", "succeeded"].map((k) => value(`celery_task_${k}_total`, fail)),
        [FAILURES, FAILURES, 0],
      );
      assert.equal(value("celery_task_failed_total", { ...fail, exception: "ValueError" }), FAILURES);
      assert.equal(value("celery_task_failed_total", { ...add, exception: "" }), 0);
      assert.deepEqual(
        ["received", "started", "retried", "succeeded"].map((k) => value(`celery_task_${k}_total`, retry)),
        [2, 2, 1, 1],
      );
      assert.equal(sumValues(families, "celery_task_failed_total"), FAILURES);
      assert.equal(sumValues(families, "celery_task_rejected_total"), 0);
      assert.equal(sumValues(families, "celery_task_runtime", {}, "celery_task_runtime_count"), SUCCESSES + 1);
      assert.equal(sumValues(families, "celery_proto_task_failed_runtime_seconds", {}, "celery_proto_task_failed_runtime_seconds_count"), FAILURES);
      assert.equal(
        sumValues(families, "celery_task_runtime", {}, "celery_task_runtime_count") +
          sumValues(families, "celery_proto_task_failed_runtime_seconds", {}, "celery_proto_task_failed_runtime_seconds_count"),
        SUCCESSES + FAILURES + 1,
        "every execution that ended in success or failure has its runtime",
      );
      assert.equal(sumValues(families, "celery_proto_task_wait_seconds", {}, "celery_proto_task_wait_seconds_count"), SUCCESSES + FAILURES + 2);
      assert.equal(value("celery_proto_messages_refused_total", { queue_name: queue, kind: "decode-error", code: "DecodeError" }), 1);
      const host = { hostname: "metrics-host" };
      assert.equal(value("celery_worker_up", host), 1);
      assert.equal(value("celery_worker_tasks_active", host), 0);
      assert.equal(value("celery_proto_worker_concurrency", host), 2);
      assert.equal(value("celery_proto_worker_prefetch_count", host), 8);
      assert.equal(value("celery_proto_worker_pool_processes", host), 1);
      assert.equal(value("celery_proto_broker_connected", host), 1);
      assert.equal(value("celery_proto_worker_info", { ...host, nodename: `t-metrics-${process.pid}-${broker}@metrics-host`, pool: "async" }), 1);

      const python = await parseWithPrometheusClient(text);
      assert.equal(python.celery_task_succeeded?.type, "counter", "prometheus_client strips _total from a counter's family name");
      assert.equal(python.celery_task_succeeded?.sums.celery_task_succeeded_total, SUCCESSES + 1);
      assert.equal(python.celery_task_failed?.sums.celery_task_failed_total, FAILURES);
      assert.equal(python.celery_task_runtime?.type, "histogram");
      assert.equal(python.celery_task_runtime?.sums.celery_task_runtime_count, SUCCESSES + 1);
      assert.equal(Object.keys(python).length, families.size, "the same families");
      assert.equal((await fetch(url.replace("/metrics", "/other"))).status, 404);
    });
  });
}
