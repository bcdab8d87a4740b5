/** A span's context as W3C trace context fields, to continue its trace elsewhere (another process). */
export interface TraceCarrier {
  /** `00-<trace id>-<span id>-<flags>`. */
  readonly traceparent: string;
  readonly tracestate?: string;
}

/**
 * The fields of an OpenTelemetry `SpanContext` it is written from (structurally: this type is public through
 * `ExecutionHooks`, and `@opentelemetry/api` is an optional peer).
 */
export interface SpanContextFields {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState?: { serialize(): string };
}

/** A `traceparent` read back: lower-case hex ids and the flags byte. */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

/**
 * The carrier of `spanContext`, written by hand so it needs no registered propagator; undefined for an invalid context
 * (the no-op tracer's all-zero ids).
 */
export function toTraceCarrier(spanContext: SpanContextFields): TraceCarrier | undefined {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  if (parseTraceparent(traceparent) === null) return undefined;
  const tracestate = spanContext.traceState?.serialize();
  return tracestate === undefined || tracestate === "" ? { traceparent } : { traceparent, tracestate };
}

/** Reads a version-00 `traceparent`; null when malformed or when an id is all zeros. */
export function parseTraceparent(traceparent: string): TraceParent | null {
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return null;
  const [, traceId = "", spanId = "", flags = ""] = match;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return null;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}
