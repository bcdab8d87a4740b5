// OpenTelemetry tracing with the process pool: the run span's context goes to the pool process with the job, so the
// spans the handler starts there (recorded by the process's own SDK, registered by the task module) are children of
// the worker's `run/<task>` span; with tracing off the pool processes load nothing of @opentelemetry/*.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createClient } from "../../sdk/src/client/create-client.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { registerOtelTestSdk } from "../../sdk/test/support/otel-test-sdk.js";
import { createWorker } from "../src/create-worker.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, waitUntil } from "./core-fixtures.js";
import type { ChildSpanLine } from "./fixtures/otel-child-tasks.js";

const sdk = registerOtelTestSdk();
const CHILD_TASKS = fileURLToPath(new URL("./fixtures/otel-child-tasks.ts", import.meta.url));
const PROBE_TASKS = fileURLToPath(new URL("./fixtures/otel-probe-tasks.ts", import.meta.url));
// Pool processes start slowly on a loaded machine (tsx compiles the task module): a bound, not a timing assertion.
const WAIT_MS = 60_000;

let scratch: string;
before(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "celery-proto-otel-pool-"));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A process-pool worker on `transport` whose children load `taskModule`; the parent only routes `names` there. */
async function startWorker(transport: MemoryTransport, taskModule: string, names: readonly string[], tracing: boolean): Promise<Worker> {
  const worker = createWorker({
    broker: transport,
    backend: null,
    pool: "process",
    concurrency: 1,
    taskModule,
    hostname: "otel-pool@test",
    control: false,
    heartbeat: false,
    mingle: false,
    logger: captureLogger("DEBUG"),
    tracing,
  });
  for (const name of names) {
    worker.registry.register(name, () => {
      throw new Error(`${name} runs in the pool process`);
    });
  }
  await worker.start();
  return worker;
}

function readLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as T);
}

function spanNamed(name: string): ReadableSpan {
  const span = sdk.spans().find((s) => s.name === name);
  assert.ok(
    span !== undefined,
    `no span ${name} in ${sdk
      .spans()
      .map((s) => s.name)
      .join(", ")}`,
  );
  return span;
}

describe("tracing with the process pool", () => {
  it("the handler's spans in the pool process are children of the worker's run span", async () => {
    const spansFile = path.join(scratch, "child-spans.jsonl");
    process.env.CELERY_PROTO_TEST_CHILD_SPANS = spansFile;
    const transport = new MemoryTransport();
    const worker = await startWorker(transport, CHILD_TASKS, ["otel.work"], true);
    const client = await createClient({ broker: transport, backend: null, tracing: true });
    try {
      await client.enqueue("otel.work");
      await waitUntil(() => sdk.spans().some((s) => s.name === "run/otel.work"), WAIT_MS, "run/otel.work");
      await waitUntil(() => readLines<ChildSpanLine>(spansFile).length >= 2, WAIT_MS, "the pool process's spans");
    } finally {
      await worker.stop();
      await client.close();
      delete process.env.CELERY_PROTO_TEST_CHILD_SPANS;
    }
    const publish = spanNamed("apply_async/otel.work");
    const run = spanNamed("run/otel.work");
    const lines = readLines<ChildSpanLine>(spansFile);
    const work = lines.find((l) => l.name === "child-work");
    const nested = lines.find((l) => l.name === "child-nested");
    assert.ok(work !== undefined && nested !== undefined, `child spans: ${JSON.stringify(lines)}`);
    assert.notEqual(work.pid, process.pid, "recorded in the pool process");
    assert.equal(run.attributes["celery.state"], "SUCCESS");
    assert.equal(run.spanContext().traceId, publish.spanContext().traceId);
    assert.equal(work.traceId, run.spanContext().traceId);
    assert.equal(work.parentSpanId, run.spanContext().spanId);
    assert.equal(work.parentIsRemote, true);
    assert.equal(nested.traceId, run.spanContext().traceId);
    assert.equal(nested.parentSpanId, work.spanId);
  });

  for (const tracing of [false, true]) {
    it(`tracing ${tracing ? "on: the pool process loads the API for the run span's context" : "off: the pool process loads nothing of @opentelemetry/*"}`, async () => {
      const probeFile = path.join(scratch, `probe-${tracing ? "on" : "off"}.jsonl`);
      process.env.CELERY_PROTO_TEST_OTEL_PROBE = probeFile;
      const transport = new MemoryTransport();
      const worker = await startWorker(transport, PROBE_TASKS, ["probe.otelLoaded"], tracing);
      const client = await createClient({ broker: transport, backend: null });
      try {
        await client.enqueue("probe.otelLoaded");
        await waitUntil(() => readLines(probeFile).length > 0, WAIT_MS, "the probe's report");
      } finally {
        await worker.stop();
        await client.close();
        delete process.env.CELERY_PROTO_TEST_OTEL_PROBE;
      }
      assert.deepEqual(readLines(probeFile), [{ loaded: tracing }]);
    });
  }
});
