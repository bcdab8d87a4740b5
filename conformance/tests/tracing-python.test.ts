// OpenTelemetry against opentelemetry-instrumentation-celery 0.66b2, on both brokers: a Python producer enqueues
// otel.add with a link to otel.cb; run once all-Python (Python worker runs both) and once mixed (our worker, tracing
// on, runs otel.add and publishes the callback, which the Python worker runs). Spans: Python's go to a JSON-lines
// file (conformance/python/reference/otel_flow.py), ours to the in-memory exporter. Both runs must give one trace
// with the same names, kinds, parent chain and attribute keys (values where deterministic). Also: our producer's
// apply_async span is the parent of the Python worker's run span.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createClient } from "../../sdk/src/client/create-client.js";
import { registerOtelTestSdk } from "../../sdk/test/support/otel-test-sdk.js";
import { createWorker } from "../../worker/src/create-worker.js";
import type { Worker } from "../../worker/src/worker.js";
import { AMQP_URL, BROKERS, redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REFERENCE = path.join(ROOT, "conformance/python/reference");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const run = promisify(execFile);
const sdk = registerOtelTestSdk();

interface FlatSpan {
  readonly name: string;
  readonly kind: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly links: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status: string;
}

const KINDS: Record<number, string> = { [SpanKind.PRODUCER]: "PRODUCER", [SpanKind.CONSUMER]: "CONSUMER", [SpanKind.INTERNAL]: "INTERNAL" };
const STATUSES: Record<number, string> = { [SpanStatusCode.UNSET]: "UNSET", [SpanStatusCode.OK]: "OK", [SpanStatusCode.ERROR]: "ERROR" };
function flatten(s: ReadableSpan): FlatSpan {
  return {
    name: s.name,
    kind: KINDS[s.kind] ?? String(s.kind),
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentId: s.parentSpanContext?.spanId ?? null,
    links: s.links.map((l) => l.context.spanId),
    attributes: s.attributes,
    status: STATUSES[s.status.code] ?? String(s.status.code),
  };
}

/** Attributes whose values differ from run to run (ids, the producer's pid in `origin`, reply_to UUIDs). */
const VARYING = new Set(["messaging.message.id", "messaging.conversation_id", "celery.hostname", "celery.reply_to"]);

/** Names, kinds, statuses, attribute keys and the deterministic values, with `addQueue` written as "<add queue>". */
function shape(spans: readonly FlatSpan[], addQueue: string): unknown[] {
  return spans.map((s) => ({
    name: s.name,
    kind: s.kind,
    status: s.status,
    keys: Object.keys(s.attributes).sort(),
    values: Object.fromEntries(
      Object.entries(s.attributes)
        .filter(([k]) => !VARYING.has(k))
        .map(([k, v]) => [k, typeof v === "string" ? v.replaceAll(addQueue, "<add queue>") : v]),
    ),
  }));
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const broker of BROKERS) {
  describe(`tracing parity with opentelemetry-instrumentation-celery (${broker})`, { skip: !existsSync(PYTHON) && "no .venv" }, () => {
    const url = broker === "redis" ? redisDbUrl(1) : AMQP_URL;
    const tag = `otel-${broker}-${process.pid}-${Date.now()}`;
    const queues = { py: `${tag}.py`, ts: `${tag}.ts`, cb: `${tag}.cb` };
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "otel-flow-")), "spans.jsonl");
    const env = { OTEL_FLOW_BROKER: url, OTEL_FLOW_OUT: out };
    let python: PythonWorker;
    let ours: Worker;

    const pythonSpans = (): FlatSpan[] =>
      existsSync(out)
        ? readFileSync(out, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as FlatSpan)
        : [];
    const inTrace = (traceId: string): FlatSpan[] => [...pythonSpans(), ...sdk.spans().map(flatten)].filter((s) => s.traceId === traceId);
    async function produce(addQueue: string): Promise<string> {
      const { stdout } = await run(PYTHON, [path.join(REFERENCE, "otel_flow.py"), "produce", addQueue, queues.cb], {
        cwd: REFERENCE,
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
      return stdout.trim();
    }
    /** The flow's four spans, in causal order, once the callback ran. */
    async function flow(addId: string): Promise<FlatSpan[]> {
      const producer = await until("the producer span", () =>
        pythonSpans().find((s) => s.name === "apply_async/otel.add" && s.attributes["messaging.message.id"] === addId),
      );
      return until("the callback's run span", () => {
        const spans = inTrace(producer.traceId);
        const order = ["apply_async/otel.add", "run/otel.add", "apply_async/otel.cb", "run/otel.cb"];
        const found = order.map((n) => spans.find((s) => s.name === n));
        return found.every((s) => s !== undefined) ? (found as FlatSpan[]) : undefined;
      });
    }

    before(async () => {
      python = await PythonWorker.start({
        brokerUrl: url,
        resultBackend: "",
        queue: `${queues.py},${queues.cb}`,
        app: "otel_flow",
        pythonPath: REFERENCE,
        pool: "solo",
        extraEnv: env,
      });
      ours = createWorker({
        broker: url,
        backend: null,
        queues: [queues.ts],
        pool: "async",
        concurrency: 1,
        hostname: `${tag}@test`,
        control: false,
        heartbeat: false,
        mingle: false,
        logLevel: "ERROR",
        tracing: true,
      });
      ours.registry.register<[number, number], number, Readonly<Record<string, unknown>>>("otel.add", ([a, b]) => a + b);
      await ours.start();
    });
    after(async () => {
      await ours?.stop();
      await python?.stop();
    });

    it("mixed (Python producer → our worker → callback on the Python worker) traces as the all-Python run", async () => {
      const reference = await flow(await produce(queues.py));
      const mixed = await flow(await produce(queues.ts));
      for (const spans of [reference, mixed]) {
        const [publish, runAdd, publishCb, runCb] = spans as [FlatSpan, FlatSpan, FlatSpan, FlatSpan];
        assert.equal(new Set(spans.map((s) => s.traceId)).size, 1);
        assert.equal(runAdd.parentId, publish.spanId);
        assert.equal(publishCb.parentId, runAdd.spanId);
        assert.equal(runCb.parentId, publishCb.spanId);
      }
      assert.deepEqual(shape(mixed, queues.ts), shape(reference, queues.py));
    });

    it("our producer → the Python worker: its run span is a child of our apply_async span", async () => {
      const client = await createClient({ broker: url, backend: null, tracing: true });
      try {
        const result = await client.enqueue("otel.cb", [7], {}, { queue: queues.cb });
        const runCb = await until("the Python run span", () =>
          pythonSpans().find((s) => s.name === "run/otel.cb" && s.attributes["messaging.message.id"] === result.id),
        );
        const publish = sdk
          .spans()
          .map(flatten)
          .find((s) => s.name === "apply_async/otel.cb" && s.attributes["messaging.message.id"] === result.id);
        assert.ok(publish !== undefined);
        assert.equal(runCb.traceId, publish.traceId);
        assert.equal(runCb.parentId, publish.spanId);
        assert.equal(runCb.attributes["celery.state"], "SUCCESS");
      } finally {
        await client.close();
      }
    });
  });
}
