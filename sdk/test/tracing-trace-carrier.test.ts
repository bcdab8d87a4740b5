// The W3C trace context written by hand for a span's context (no propagator), and read back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTraceState, INVALID_SPAN_CONTEXT } from "@opentelemetry/api";
import { parseTraceparent, toTraceCarrier } from "../src/tracing/trace-carrier.js";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";

describe("trace carrier", () => {
  it("writes traceparent version 00 with the flags byte, and tracestate when there is one", () => {
    assert.deepEqual(toTraceCarrier({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }), { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    assert.deepEqual(toTraceCarrier({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0, traceState: createTraceState("a=1,b=2") }), {
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`,
      tracestate: "a=1,b=2",
    });
  });
  it("none for an invalid context (the no-op tracer's)", () => {
    assert.equal(toTraceCarrier(INVALID_SPAN_CONTEXT), undefined);
  });
  it("reads back what it writes; refuses other versions, bad lengths, upper case and zero ids", () => {
    assert.deepEqual(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    for (const bad of [
      `01-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`,
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `00-${"0".repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${"0".repeat(16)}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    ]) {
      assert.equal(parseTraceparent(bad), null, bad);
    }
  });
});
