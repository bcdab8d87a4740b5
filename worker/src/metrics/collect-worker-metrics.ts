import { Counter, Gauge, Registry } from "prom-client";
import type { WorkerEventListener, WorkerEventName } from "../lifecycle/worker-event-map.js";
import type { TaskRequest } from "../request/task-request.js";
import type { Worker } from "../worker.js";
import { exceptionLabel, exporterHostname } from "./exporter-labels.js";
import type { HistogramData } from "./histogram-data.js";
import { ScrapedMetric, type ScrapedSample } from "./scraped-metric.js";
import { type TaskSeries, TaskSeriesTable } from "./task-series.js";
import type { WorkerMetrics } from "./worker-metrics.js";

type TaskCounter = "received" | "started" | "succeeded" | "retried" | "revoked" | "rejected";

const TASK_COUNTERS: ReadonlyArray<readonly [TaskCounter, string]> = [
  ["received", "Tasks received (task-received): accepted, neither revoked nor expired on arrival"],
  ["started", "Tasks started (task-started): the pool accepted them"],
  ["succeeded", "Tasks succeeded (task-succeeded)"],
  ["retried", "Task retries (task-retried): Retry raised or autoretry, the retry message published"],
  ["revoked", "Tasks revoked (task-revoked): by id or stamp, expired, or terminated"],
  ["rejected", "Task messages rejected (task-rejected): Reject raised, or rejected after a failure or a lost process"],
];

/**
 * The Prometheus metrics of one worker, named and labelled as celery-exporter's where the meaning is the same
 * (README: "Prometheus metrics"). Task numbers are counted by lifecycle listeners into plain fields (`TaskSeries`);
 * worker gauges are read from the worker when scraped. Attach before `start()` so that `worker:ready` is seen.
 */
export function collectWorkerMetrics(worker: Worker): WorkerMetrics {
  const registry = new Registry();
  const hostname = exporterHostname(worker.hostname);
  const table = new TaskSeriesTable();
  const receivedAt = new WeakMap<TaskRequest, number>();
  let up = 0;
  let brokerConnected = 0;

  const taskLabels = (s: TaskSeries) => ({ name: s.name, hostname, queue_name: s.queue });
  const register = (name: string, help: string, type: "counter" | "histogram", read: () => ScrapedSample[]): void =>
    registry.registerMetric(new ScrapedMetric(name, help, type, read).asPromMetric());
  for (const [key, help] of TASK_COUNTERS)
    register(`celery_task_${key}_total`, help, "counter", () => [...table.all()].map((s) => ({ value: s[key], labels: taskLabels(s) })));
  register("celery_task_failed_total", "Tasks failed (task-failed), by exception class name", "counter", () =>
    [...table.all()].flatMap((s) => [...s.failed].map(([exception, value]) => ({ value, labels: { name: s.name, hostname, exception, queue_name: s.queue } }))),
  );
  const histogram = (name: string, help: string, of: (s: TaskSeries) => HistogramData): void =>
    register(name, help, "histogram", () => [...table.all()].flatMap((s) => histogramSamples(name, of(s), taskLabels(s))));
  histogram("celery_task_runtime", "Runtime of succeeded tasks, seconds (task-succeeded runtime)", (s) => s.runtime);
  histogram("celery_proto_task_failed_runtime_seconds", "Runtime of failed tasks that ran, seconds", (s) => s.failedRuntime);
  histogram(
    "celery_proto_task_wait_seconds",
    "Seconds from the task's receipt by this worker (or its ETA, when later) to its start: prefetched, rate-limited or waiting for a slot",
    (s) => s.wait,
  );

  const workerGauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ["hostname"],
      registers: [registry],
      collect: function (this: Gauge) {
        this.set({ hostname }, read());
      },
    });
  };
  workerGauge("celery_worker_up", "1 while the worker consumes (worker:ready to worker:shutdown)", () => up);
  workerGauge("celery_worker_tasks_active", "Tasks executing now", () => worker.state.active.size);
  workerGauge("celery_proto_worker_tasks_reserved", "Tasks received and waiting for a pool slot (or a rate-limit token)", () => worker.state.reserved.size);
  workerGauge("celery_proto_worker_tasks_scheduled", "Tasks held until their ETA / countdown", () => worker.state.scheduled.size);
  workerGauge("celery_proto_worker_prefetch_count", "Messages the worker may hold unacknowledged (concurrency × prefetch multiplier, + ETA tasks)", () =>
    worker.prefetchCount(),
  );
  workerGauge("celery_proto_worker_concurrency", "Simultaneous executions of the pool", () => worker.concurrency());
  workerGauge(
    "celery_proto_worker_pool_processes",
    "Processes running handlers (inspect stats pool.processes): children of the process pool, 1 for the async pool",
    () => worker.poolProcesses().length,
  );
  workerGauge("celery_proto_broker_connected", "1 while the broker connection is up", () => brokerConnected);
  new Gauge({
    name: "celery_proto_worker_info",
    help: "Always 1: the worker's full node name and pool",
    labelNames: ["hostname", "nodename", "pool"],
    registers: [registry],
    collect: function (this: Gauge) {
      this.set({ hostname, nodename: worker.hostname, pool: worker.poolImplementation() }, 1);
    },
  });
  const reconnects = new Counter({
    name: "celery_proto_broker_reconnects_total",
    help: "Broker connections re-established after a loss",
    labelNames: ["hostname"],
    registers: [registry],
  });
  reconnects.inc({ hostname }, 0);
  const refused = new Counter({
    name: "celery_proto_messages_refused_total",
    help: "Messages refused without running (message:refused): kind and error code",
    labelNames: ["hostname", "queue_name", "kind", "code"],
    registers: [registry],
  });

  const listeners: Array<() => void> = [];
  const on = <E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): void => {
    worker.on(name, listener);
    listeners.push(() => worker.off(name, listener));
  };
  on("task:received", (e) => {
    table.get(e.taskName, e.queue).received += 1;
    receivedAt.set(e.request, Date.now());
  });
  on("task:started", (e) => {
    const s = table.get(e.taskName, e.queue);
    s.started += 1;
    const received = receivedAt.get(e.request);
    if (received === undefined) return;
    const eta = e.request.eta?.getTime() ?? 0;
    s.wait.observe(Math.max(0, Date.now() - Math.max(eta, received)) / 1000);
  });
  on("task:succeeded", (e) => {
    const s = table.get(e.taskName, e.queue);
    s.succeeded += 1;
    s.runtime.observe(e.runtime);
  });
  on("task:failed", (e) => {
    const s = table.get(e.taskName, e.queue);
    const exception = exceptionLabel(e.exception);
    s.failed.set(exception, (s.failed.get(exception) ?? 0) + 1);
    if (e.runtime !== null) s.failedRuntime.observe(e.runtime);
  });
  on("task:retried", (e) => {
    table.get(e.taskName, e.queue).retried += 1;
  });
  on("task:revoked", (e) => {
    table.get(e.taskName, e.queue).revoked += 1;
  });
  on("task:rejected", (e) => {
    table.get(e.taskName, e.queue).rejected += 1;
  });
  on("message:refused", (e) => refused.inc({ hostname, queue_name: e.queue, kind: e.kind, code: e.code }));
  on("broker:disconnected", () => {
    brokerConnected = 0;
  });
  on("broker:reconnected", () => {
    brokerConnected = 1;
    reconnects.inc({ hostname });
  });
  on("worker:ready", () => {
    up = 1;
    brokerConnected = 1;
  });
  on("worker:shutdown", () => {
    up = 0;
    brokerConnected = 0;
  });

  return {
    registry,
    contentType: registry.contentType,
    metrics: () => registry.metrics(),
    close: () => {
      for (const off of listeners.splice(0)) off();
    },
  };
}

/** A histogram series as the text format's lines: cumulative `_bucket`s (`le`), `_sum`, `_count`; none before a first observation. */
function histogramSamples(name: string, data: HistogramData, labels: Readonly<Record<string, string>>): ScrapedSample[] {
  if (data.count === 0) return [];
  const cumulative = data.cumulative();
  const samples: ScrapedSample[] = data.bounds.map((le, at) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative[at] ?? 0 }));
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: data.count });
  samples.push({ metricName: `${name}_sum`, labels, value: data.sum });
  samples.push({ metricName: `${name}_count`, labels, value: data.count });
  return samples;
}
