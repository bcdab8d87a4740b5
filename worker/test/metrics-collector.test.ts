// The worker's Prometheus metrics (serveWorkerMetrics) on the in-memory broker: /metrics parses strictly and its
// counters, histograms and gauges equal what the worker did; celery-exporter's label rules; 404s; the port in use;
// the endpoint closes with the worker; the per-series storage.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { type MetricFamily, parsePrometheusExposition, sampleValue, sumValues } from "../../conformance/harness/parse-prometheus-exposition.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../src/create-worker.js";
import { Reject } from "../src/errors/task-control-errors.js";
import { exceptionLabel, exporterHostname } from "../src/metrics/exporter-labels.js";
import { HistogramData } from "../src/metrics/histogram-data.js";
import { serveWorkerMetrics } from "../src/metrics/serve-worker-metrics.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, recordingTransport, waitUntil } from "./core-fixtures.js";
import registerTasks from "./fixtures/pool-tasks.js";

const TASK_MODULE = new URL("./fixtures/pool-tasks.ts", import.meta.url).href;

function memoryWorker(pool: "async" | "process", hostname: string): { worker: Worker; transport: ReturnType<typeof recordingTransport> } {
  const transport = recordingTransport(new MemoryTransport());
  const worker = createWorker({
    broker: transport,
    backend: null,
    pool,
    taskModule: TASK_MODULE,
    concurrency: 2,
    hostname,
    outcomes: recordingOutcomes(),
    eventDispatcher: recordingEvents(),
    control: false,
    heartbeat: false,
    logger: captureLogger("WARNING"),
  });
  registerTasks(worker.registry);
  // acksLate: an early-acked message cannot be rejected any more (Celery's Request.reject does nothing then).
  worker.registry.register(
    "tasks.rejectsForGood",
    () => {
      throw new Reject("no", false);
    },
    { acksLate: true },
  );
  return { worker, transport };
}

async function scrape(url: string): Promise<{ families: Map<string, MetricFamily>; contentType: string | null }> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  return { families: parsePrometheusExposition(await response.text()), contentType: response.headers.get("content-type") };
}

for (const pool of ["async", "process"] as const) {
  describe(`worker metrics (${pool} pool)`, { timeout: 60_000 }, () => {
    it("/metrics parses strictly; counters and histograms equal the tasks run; gauges read the worker", async () => {
      const { worker, transport } = memoryWorker(pool, `metrics-${pool}@box.example`);
      const server = await serveWorkerMetrics(worker, { port: 0 });
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const before = await scrape(server.url);
      assert.equal(sampleValue(before.families, "celery_worker_up"), 0, "not consuming yet");
      await worker.start();

      const rejections = pool === "async" ? 1 : 0;
      const published = [
        ...(await Promise.all([1, 2, 3].map((n) => publishTask(transport, { task: "tasks.add", args: [n, n] })))),
        ...(await Promise.all(["a", "b"].map((m) => publishTask(transport, { task: "tasks.throwsValueError", args: [m] })))),
        await publishTask(transport, { task: "tasks.retries" }),
        // Registered here only, so the process pool's children do not have it.
        ...(pool === "async" ? [await publishTask(transport, { task: "tasks.rejectsForGood" })] : []),
        await publishTask(transport, { task: "tasks.add", args: [1, 1], expires: new Date(Date.now() - 1000) }),
        await publishTask(transport, { task: "tasks.add", args: [1, 1] }, "other"),
      ];
      await transport.publish({
        exchange: "",
        routingKey: "celery",
        body: new TextEncoder().encode("[[1, 2], {}, {"),
        properties: { content_type: "application/json", content_encoding: "utf-8", headers: { id: "bad-json", task: "tasks.add" } },
      });
      await publishTask(transport, { task: "tasks.nobody" });
      assert.equal(published.length, 8 + rejections);

      const wanted = (f: Map<string, MetricFamily>): boolean =>
        sumValues(f, "celery_task_succeeded_total") === 3 &&
        sumValues(f, "celery_task_failed_total") === 2 + rejections &&
        sumValues(f, "celery_task_retried_total") === 1 &&
        sumValues(f, "celery_task_revoked_total") === 1 &&
        sumValues(f, "celery_task_rejected_total") === rejections &&
        sumValues(f, "celery_proto_messages_refused_total") === 2;
      let families = before.families;
      const deadline = Date.now() + 10_000;
      while (!wanted(families) && Date.now() < deadline) {
        families = (await scrape(server.url)).families;
        await new Promise((r) => setTimeout(r, 20));
      }
      const { contentType } = await scrape(server.url);
      assert.equal(contentType, "text/plain; version=0.0.4; charset=utf-8");

      const task = (name: string, queue = "celery") => ({ name, hostname: "box.example", queue_name: queue });
      const add = task("tasks.add");
      assert.equal(sampleValue(families, "celery_task_received_total", add), 3, "the expired one is never received");
      assert.equal(sampleValue(families, "celery_task_started_total", add), 3);
      assert.equal(sampleValue(families, "celery_task_succeeded_total", add), 3);
      assert.equal(sampleValue(families, "celery_task_revoked_total", add), 1);
      assert.equal(sampleValue(families, "celery_task_failed_total", { ...add, exception: "" }), 0, "celery-exporter's zero series");
      assert.equal(sampleValue(families, "celery_task_runtime", add, "celery_task_runtime_count"), 3);
      assert.equal(sampleValue(families, "celery_task_runtime", { ...add, le: "+Inf" }, "celery_task_runtime_bucket"), 3);
      assert.equal(sampleValue(families, "celery_proto_task_wait_seconds", add, "celery_proto_task_wait_seconds_count"), 3);
      assert.equal(sumValues(families, "celery_task_received_total", { queue_name: "other" }), 0, "a queue not consumed has no series");
      assert.ok(!families.get("celery_task_received_total")?.samples.some((s) => s.labels.queue_name === "other"));

      const fail = task("tasks.throwsValueError");
      assert.equal(sampleValue(families, "celery_task_failed_total", { ...fail, exception: "ValueError" }), 2);
      assert.equal(sampleValue(families, "celery_task_succeeded_total", fail), 0);
      assert.equal(sampleValue(families, "celery_proto_task_failed_runtime_seconds", fail, "celery_proto_task_failed_runtime_seconds_count"), 2);
      assert.equal(
        families.get("celery_task_runtime")?.samples.some((s) => s.labels.name === "tasks.throwsValueError"),
        false,
      );

      assert.equal(sampleValue(families, "celery_task_retried_total", task("tasks.retries")), 1);
      if (rejections > 0) {
        const rejects = task("tasks.rejectsForGood");
        assert.equal(sampleValue(families, "celery_task_rejected_total", rejects), 1);
        assert.equal(sampleValue(families, "celery_task_failed_total", { ...rejects, exception: "Reject" }), 1);
      }

      assert.equal(sampleValue(families, "celery_proto_messages_refused_total", { queue_name: "celery", kind: "decode-error", code: "DecodeError" }), 1);
      assert.equal(sampleValue(families, "celery_proto_messages_refused_total", { kind: "unknown-task", code: "UnknownTask" }), 1);

      const host = { hostname: "box.example" };
      assert.equal(sampleValue(families, "celery_worker_up", host), 1);
      assert.equal(sampleValue(families, "celery_worker_tasks_active", host), 0);
      assert.equal(sampleValue(families, "celery_proto_worker_prefetch_count", host), worker.prefetchCount());
      assert.equal(sampleValue(families, "celery_proto_worker_concurrency", host), 2);
      assert.equal(sampleValue(families, "celery_proto_worker_pool_processes", host), pool === "process" ? 2 : 1);
      assert.equal(sampleValue(families, "celery_proto_worker_info", { ...host, nodename: `metrics-${pool}@box.example`, pool }), 1);
      assert.equal(sampleValue(families, "celery_proto_broker_reconnects_total", host), 0);
      assert.equal(families.get("celery_task_runtime")?.type, "histogram");
      assert.equal(families.get("celery_task_received_total")?.type, "counter");

      const other = await fetch(server.url.replace("/metrics", "/"));
      assert.equal(other.status, 404);
      await other.text();
      await worker.stop();
      await assert.rejects(fetch(server.url), "closed with the worker");
    });
  });
}

describe("worker metrics: options, labels, storage", () => {
  it("a port in use is InvalidOption naming port; a bad port is refused", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const { worker } = memoryWorker("async", "busy@test");
    await assert.rejects(serveWorkerMetrics(worker, { port }), (e: unknown) => {
      assert.ok(CeleryProtoError.is(e, "InvalidOption"));
      assert.equal(e.message, `port: 127.0.0.1:${port} is already in use`);
      return true;
    });
    await assert.rejects(serveWorkerMetrics(worker, { port: 70000 }), /port: must be an integer from 0 to 65535/);
    blocker.close();
  });

  it("gauges follow held tasks while a task runs", async () => {
    const { worker, transport } = memoryWorker("async", "held@test");
    const server = await serveWorkerMetrics(worker, { port: 0, host: "127.0.0.1" });
    await worker.start();
    const running = await publishTask(transport, { task: "tasks.sleepy", args: [60_000] });
    await publishTask(transport, { task: "tasks.add", args: [1, 2], countdown: 3600 });
    await waitUntil(() => worker.state.active.has(running) && worker.state.scheduled.size === 1, 5000, "running and scheduled");
    const { families } = await scrape(server.url);
    assert.equal(sampleValue(families, "celery_worker_tasks_active"), 1);
    assert.equal(sampleValue(families, "celery_proto_worker_tasks_scheduled"), 1);
    assert.equal(sampleValue(families, "celery_proto_worker_tasks_reserved"), 0);
    assert.equal(sampleValue(families, "celery_task_started_total", { name: "tasks.sleepy" }), 1);
    await worker.stop({ cold: true });
    await server.close();
  });

  it("celery-exporter's hostname and exception labels", () => {
    assert.equal(exporterHostname("celery@web1"), "web1");
    assert.equal(exporterHostname("w2@web1@x"), "web1@x");
    assert.equal(exporterHostname("plain"), "plain");
    assert.equal(exceptionLabel(Object.assign(new Error("boom"), { name: "ValueError" })), "ValueError");
    assert.equal(exceptionLabel(new TypeError("x")), "TypeError");
    assert.equal(exceptionLabel("a string"), "Exception");
  });

  it("HistogramData: buckets by upper bound (le inclusive), cumulative, +Inf last", () => {
    const h = new HistogramData([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 1, 3]) h.observe(v);
    assert.deepEqual(h.cumulative(), [2, 4, 5]);
    assert.equal(h.count, 5);
    assert.equal(h.sum, 4.65);
  });
});
