// OpenTelemetry tracing on the in-memory broker: our producer's apply_async span, the worker's run span (child, or a
// link with useSpanLinks), the handler's own spans, the callback's and the retry's apply_async spans under the run
// span, statuses and the Python instrumentation's attribute names.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Client } from "../../sdk/src/client/client.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { registerOtelTestSdk } from "../../sdk/test/support/otel-test-sdk.js";
import { createWorker } from "../src/create-worker.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, waitUntil } from "./core-fixtures.js";

const sdk = registerOtelTestSdk();

function spanNamed(name: string, nth = 0): ReadableSpan {
  const found = sdk.spans().filter((s) => s.name === name);
  const span = found[nth];
  assert.ok(
    span !== undefined,
    `no span ${name} #${nth} in ${sdk
      .spans()
      .map((s) => s.name)
      .join(", ")}`,
  );
  return span;
}
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

async function startWorker(transport: Transport, tracing: boolean | { useSpanLinks: boolean }): Promise<Worker> {
  const worker = createWorker({
    broker: transport,
    backend: null,
    pool: "async",
    concurrency: 2,
    hostname: "otel@test",
    control: false,
    heartbeat: false,
    logger: captureLogger("DEBUG"),
    tracing,
  });
  worker.registry.register<[number, number], number, Readonly<Record<string, unknown>>>("tasks.add", ([a, b]) => {
    trace.getTracer("user").startActiveSpan("inner", (span) => span.end());
    return a + b;
  });
  worker.registry.register("tasks.cb", () => "cb");
  worker.registry.register("tasks.fail", () => {
    const error = new Error("boom");
    error.name = "ValueError";
    throw error;
  });
  worker.registry.register("tasks.retry", (_args, _kwargs, ctx) => (ctx.request.retries === 0 ? ctx.retry({ countdown: 0 }) : "done"));
  await worker.start();
  return worker;
}

describe("tracing", () => {
  let transport: MemoryTransport;
  let worker: Worker;
  let client: Client;
  before(async () => {
    transport = new MemoryTransport();
    worker = await startWorker(transport, true);
    client = await createClient({ broker: transport, backend: null, tracing: true });
  });
  after(async () => {
    await worker.stop();
    await client.close();
  });
  beforeEach(() => sdk.exporter.reset());

  it("producer → run (child) → handler span, link callback's apply_async under run → run of the callback", async () => {
    const id = await trace.getTracer("user").startActiveSpan("request", async (span) => {
      const result = await client.enqueue(
        "tasks.add",
        [2, 3],
        {},
        { link: [{ task: "tasks.cb", args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false }] },
      );
      span.end();
      return result.id;
    });
    await waitUntil(() => sdk.spans().some((s) => s.name === "run/tasks.cb"));
    const request = spanNamed("request");
    const publish = spanNamed("apply_async/tasks.add");
    const run = spanNamed("run/tasks.add");
    const inner = spanNamed("inner");
    const publishCb = spanNamed("apply_async/tasks.cb");
    const runCb = spanNamed("run/tasks.cb");
    const traceId = request.spanContext().traceId;
    for (const s of [publish, run, inner, publishCb, runCb]) assert.equal(s.spanContext().traceId, traceId, s.name);
    assert.equal(parentOf(publish), request.spanContext().spanId);
    assert.equal(parentOf(run), publish.spanContext().spanId);
    assert.equal(parentOf(inner), run.spanContext().spanId);
    assert.equal(parentOf(publishCb), run.spanContext().spanId);
    assert.equal(parentOf(runCb), publishCb.spanContext().spanId);
    assert.equal(publish.kind, SpanKind.PRODUCER);
    assert.equal(run.kind, SpanKind.CONSUMER);
    assert.deepEqual(publish.attributes, {
      "celery.action": "apply_async",
      "messaging.message.id": id,
      "celery.task_name": "tasks.add",
      "messaging.destination": "celery",
      "messaging.destination_kind": "queue",
    });
    assert.equal(run.attributes["celery.action"], "run");
    assert.equal(run.attributes["celery.state"], "SUCCESS");
    assert.equal(run.attributes["celery.task_name"], "tasks.add");
    assert.equal(run.attributes["messaging.message.id"], id);
    assert.equal(run.attributes["messaging.conversation_id"], id);
    assert.equal(run.attributes["messaging.destination"], "celery");
    assert.match(String(run.attributes["celery.hostname"]), /^gen\d+@/); // the origin header, as in Python
    assert.match(String(run.attributes["celery.delivery_info"]), /^\{'exchange': '', 'routing_key': 'celery', 'priority': 0, 'redelivered': False\}$/);
    assert.equal(run.status.code, SpanStatusCode.UNSET);
  });

  it("a failure: status ERROR with str(exc), the exception event as Python's", async () => {
    await client.enqueue("tasks.fail");
    await waitUntil(() => sdk.spans().some((s) => s.name === "run/tasks.fail"));
    const run = spanNamed("run/tasks.fail");
    assert.equal(run.attributes["celery.state"], "FAILURE");
    assert.deepEqual(run.status, { code: SpanStatusCode.ERROR, message: "boom" });
    const event = run.events.find((e) => e.name === "exception");
    assert.equal(event?.attributes?.["exception.type"], "ValueError");
    assert.equal(event?.attributes?.["exception.message"], "boom");
    assert.equal(event?.attributes?.["exception.escaped"], "False");
  });

  it("a retry: RETRY with celery.retry.reason; the retry's apply_async is a child of the run span", async () => {
    await client.enqueue("tasks.retry");
    await waitUntil(() => sdk.spans().filter((s) => s.name === "run/tasks.retry").length === 2);
    // By attempt, not by export order: spans are exported as they end, and the retried run can end before the first.
    const runs = sdk.spans().filter((s) => s.name === "run/tasks.retry");
    const first = runs.find((s) => s.attributes["celery.retries"] !== 1);
    const second = runs.find((s) => s.attributes["celery.retries"] === 1);
    const republish = sdk.spans().find((s) => s.name === "apply_async/tasks.retry" && parentOf(s) === first?.spanContext().spanId);
    assert.ok(first !== undefined && second !== undefined && republish !== undefined, "both runs and the retry's apply_async");
    assert.equal(first.attributes["celery.state"], "RETRY");
    assert.equal(first.attributes["celery.retry.reason"], "Retry in 0s");
    assert.equal(first.status.code, SpanStatusCode.UNSET);
    assert.equal(parentOf(republish), first.spanContext().spanId);
    assert.equal(parentOf(second), republish.spanContext().spanId);
    assert.equal(second.attributes["celery.retries"], 1);
    assert.equal(second.attributes["celery.state"], "SUCCESS");
  });
});

describe("tracing with useSpanLinks", () => {
  it("the run span is a new root with one link to the producer span", async () => {
    const transport = new MemoryTransport();
    const worker = await startWorker(transport, { useSpanLinks: true });
    const client = await createClient({ broker: transport, backend: null, tracing: true });
    sdk.exporter.reset();
    await client.enqueue("tasks.cb");
    await waitUntil(() => sdk.spans().some((s) => s.name === "run/tasks.cb"));
    const publish = spanNamed("apply_async/tasks.cb");
    const run = spanNamed("run/tasks.cb");
    assert.equal(parentOf(run), undefined);
    assert.notEqual(run.spanContext().traceId, publish.spanContext().traceId);
    assert.deepEqual(
      run.links.map((l) => l.context.spanId),
      [publish.spanContext().spanId],
    );
    await worker.stop();
    await client.close();
  });
});

describe("tracing off", () => {
  it("no span and no traceparent header", async () => {
    const published: Record<string, unknown>[] = [];
    const inner = new MemoryTransport();
    const transport: Transport = Object.create(inner, {
      publish: {
        value: (p: Parameters<Transport["publish"]>[0]) => {
          published.push((p.properties.headers ?? {}) as Record<string, unknown>);
          return inner.publish(p);
        },
      },
    });
    const client = await createClient({ broker: transport, backend: null });
    sdk.exporter.reset();
    await trace.getTracer("user").startActiveSpan("request", async (span) => {
      await client.enqueue("tasks.cb");
      span.end();
    });
    assert.deepEqual(
      sdk.spans().map((s) => s.name),
      ["request"],
    );
    assert.equal(published[0]?.["traceparent"], undefined);
    await client.close();
  });
});
