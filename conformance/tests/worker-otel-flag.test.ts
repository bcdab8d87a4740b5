// `proto worker --otel` (the built CLI) turns the worker's OpenTelemetry tracing on: a task module that registers an
// SDK (as `node --import ./otel-setup.js` would) gets a CONSUMER span `run/<task>` per task, a child of the producer's
// `apply_async/<task>` span when our client traces too, and with `-P process` the span a handler starts in its pool
// process is a child of that run span; `--otel-span-links` (use_span_links, unit-tested in
// worker/test/tracing-spans.test.ts) is refused without `--otel`. The spans are compared with Python's in
// tracing-python.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createClient } from "../../sdk/src/client/create-client.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Inside the repository, so that the module resolves @opentelemetry/* from its node_modules.
const DIR = path.join(ROOT, ".state", `worker-otel-flag-${process.pid}`);
const BROKER = redisDbUrl(1);
const QUEUE = `t-otel-flag-${process.pid}`;

interface ExportedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly links: readonly string[];
  readonly pid: number;
}

// Loaded by the worker and, with -P process, by each pool process: every process registers its own SDK (a tracer
// provider, a propagator and an AsyncLocalStorage context manager, what NodeSDK installs) and appends its spans to
// one file.
const SETUP_MODULE = `import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

const out = process.env.OTEL_FLAG_SPANS;
const exporter = {
  export(spans, done) {
    for (const s of spans)
      appendFileSync(out, JSON.stringify({ name: s.name, kind: s.kind, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
        parentSpanId: s.parentSpanContext?.spanId ?? null, links: s.links.map((l) => l.context.spanId), pid: process.pid }) + "\\n");
    done({ code: 0 });
  },
  async shutdown() {},
};
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const storage = new AsyncLocalStorage();
context.setGlobalContextManager({
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
  bind: (_ctx, target) => target,
  enable() { return this; },
  disable() { return this; },
});
export const tasks = {
  "otelflag.add": (a, b) => a + b,
  "otelflag.traced": () => trace.getTracer("app").startActiveSpan("handler-work", (span) => (span.end(), process.pid)),
};
`;

describe("proto worker --otel", { timeout: 90_000 }, () => {
  const exporter = new InMemorySpanExporter();
  before(() => {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path.join(DIR, "app.mjs"), SETUP_MODULE);
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  after(() => {
    trace.disable();
    propagation.disable();
    context.disable();
    rmSync(DIR, { recursive: true, force: true });
  });

  async function runOne(flags: readonly string[], spansFile: string, task = "otelflag.add"): Promise<{ producer: string; spans: ExportedSpan[] }> {
    const worker = await ProtoWorkerProcess.start(
      ["-A", path.join(DIR, "app.mjs"), "-b", BROKER, "--backend", BROKER, "-Q", QUEUE, "-l", "info", "--without-mingle", ...flags],
      {
        OTEL_FLAG_SPANS: spansFile,
        CELERY_PROTO_CONFIG: "",
      },
    );
    const client = await createClient({ broker: BROKER, backend: BROKER, defaultQueue: QUEUE, tracing: true });
    try {
      exporter.reset();
      await (await client.enqueue(task, task === "otelflag.add" ? [2, 3] : [])).get({ timeoutMs: 20_000 });
      const producer = exporter.getFinishedSpans().find((s) => s.name === `apply_async/${task}`);
      assert.ok(producer, "our client's apply_async span");
      // The run span ends once the outcome is recorded, just after the result our get() saw (a pool process's span
      // may be in the file before it).
      const hasRun = (): boolean => existsSync(spansFile) && readFileSync(spansFile, "utf8").includes(`"run/${task}"`);
      for (let i = 0; i < 50 && !hasRun(); i++) await new Promise((r) => setTimeout(r, 100));
      const spans = readFileSync(spansFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as ExportedSpan);
      return { producer: producer.spanContext().spanId, spans };
    } finally {
      await client.close();
      await worker.stop();
    }
  }

  it("runs each task in a CONSUMER span run/<task>, the child of the producer's span", async () => {
    const { producer, spans } = await runOne(["--otel"], path.join(DIR, "child.jsonl"));
    const run = spans.find((s) => s.name === "run/otelflag.add");
    assert.ok(run, JSON.stringify(spans));
    assert.equal(run.kind, 4); // SpanKind.CONSUMER
    assert.equal(run.parentSpanId, producer);
  });

  it("-P process: the handler's span in the pool process is a child of the worker's run span", async () => {
    const { producer, spans } = await runOne(["--otel", "-P", "process", "-c", "1"], path.join(DIR, "process-pool.jsonl"), "otelflag.traced");
    const run = spans.find((s) => s.name === "run/otelflag.traced");
    const work = spans.find((s) => s.name === "handler-work");
    assert.ok(run && work, JSON.stringify(spans));
    assert.equal(run.parentSpanId, producer);
    assert.notEqual(work.pid, run.pid, "the handler's span comes from the pool process");
    assert.equal(work.traceId, run.traceId);
    assert.equal(work.parentSpanId, run.spanId);
  });

  it("--otel-span-links without --otel is refused", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "bin/proto.js"), "worker", "-A", path.join(DIR, "app.mjs"), "--otel-span-links", "-b", "memory://"],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /--otel-span-links: needs --otel/);
  });
});
