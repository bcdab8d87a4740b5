// A pool process's side of the run span's context: the handler runs with it as the remote parent; the API is loaded
// once, on the first carrier; when it cannot be loaded the handler runs as without tracing, and that is told once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as api from "@opentelemetry/api";
import { registerOtelTestSdk } from "../../sdk/test/support/otel-test-sdk.js";
import { createTraceContinuation } from "../src/pool/continue-trace.js";

const sdk = registerOtelTestSdk();
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";
const CARRIER = { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: "vendor=x" };

describe("continue the run span's trace in a pool process", () => {
  it("the carrier's span is the active remote parent of the handler's spans", async () => {
    let loads = 0;
    const continueTrace = createTraceContinuation({
      load: async () => {
        loads++;
        return api;
      },
      warn: () => assert.fail("no warning"),
    });
    assert.equal(loads, 0, "nothing loaded before a carrier comes");
    const scope = await continueTrace(CARRIER);
    const active = scope(() => api.trace.getSpanContext(api.context.active()));
    assert.equal(active?.traceId, TRACE_ID);
    assert.equal(active?.spanId, SPAN_ID);
    assert.equal(active?.traceFlags, 1);
    assert.equal(active?.isRemote, true);
    assert.equal(active?.traceState?.serialize(), "vendor=x");
    sdk.exporter.reset();
    await scope(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      api.trace.getTracer("user").startSpan("handler").end();
    });
    const [span] = sdk.spans();
    assert.equal(span?.spanContext().traceId, TRACE_ID);
    assert.equal(span?.parentSpanContext?.spanId, SPAN_ID);
    await continueTrace({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` });
    assert.equal(loads, 1, "loaded once");
  });

  it("a malformed traceparent: the handler runs without a parent", async () => {
    const continueTrace = createTraceContinuation({ load: async () => api, warn: () => assert.fail("no warning") });
    const scope = await continueTrace({ traceparent: "00-nope" });
    assert.equal(
      scope(() => api.trace.getSpanContext(api.context.active())),
      undefined,
    );
  });

  it("the API cannot be loaded: the handler runs as before, told once, not retried", async () => {
    const warnings: string[] = [];
    let loads = 0;
    const continueTrace = createTraceContinuation({
      load: () => {
        loads++;
        return Promise.reject(new Error("tracing: needs the package @opentelemetry/api"));
      },
      warn: (message) => warnings.push(message),
    });
    for (let i = 0; i < 2; i++) {
      const scope = await continueTrace(CARRIER);
      assert.equal(
        scope(() => api.trace.getSpanContext(api.context.active())),
        undefined,
      );
      assert.equal(
        scope(() => "ran"),
        "ran",
      );
    }
    assert.equal(loads, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /needs the package @opentelemetry\/api/);
  });
});
