import type { Span } from "@opentelemetry/api";
import type { OtelApi } from "./load-otel-api.js";

/** Python's `_trace_failure`: the exception as an `exception` event, and status ERROR with `str(exc)`. */
export function recordSpanError(api: OtelApi, span: Span, error: unknown, description: string): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException(String(error));
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: description });
}
