import type { Attributes, Context, Link, TextMapGetter } from "@opentelemetry/api";
import { TRACER_NAME } from "../../../sdk/src/tracing/create-otel-publish-tracer.js";
import type { OtelApi } from "../../../sdk/src/tracing/load-otel-api.js";
import { toTraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { ExecutionOutcome } from "../pool/execution-pool.js";
import type { TaskRequest } from "../request/task-request.js";
import { pythonExceptionEvent } from "./python-exception-event.js";
import { runSpanAttributes } from "./run-span-attributes.js";
import { runSpanEnd } from "./run-span-end.js";
import type { RunSpan, RunTracer } from "./run-tracer.js";
import type { WorkerTracingOptions } from "./tracing-options.js";

/** Python's `CeleryGetter`: a key is read from the top level of the message headers only. */
const HEADERS_GETTER: TextMapGetter<Readonly<Record<string, unknown>>> = {
  get(carrier, key) {
    const value = carrier[key];
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
  keys: () => [],
};

/**
 * opentelemetry-instrumentation-celery's consumer side (`_trace_prerun`/`_trace_postrun`/`_trace_failure`/
 * `_trace_retry`): a CONSUMER span `run/<task>` child of the context extracted from the message headers (or, with
 * `useSpanLinks`, a new root linked to it), its attributes set at the end, status from the outcome.
 */
export function otelRunTracer(api: OtelApi, options: WorkerTracingOptions = {}): RunTracer {
  const tracer = api.trace.getTracer(TRACER_NAME);
  const useSpanLinks = options.useSpanLinks ?? false;
  return {
    start(task: RegisteredTask, request: TaskRequest): RunSpan {
      const extracted = api.propagation.extract(api.ROOT_CONTEXT, request.message.headers as Readonly<Record<string, unknown>>, HEADERS_GETTER);
      const incoming = api.trace.getSpanContext(extracted);
      const hasIncoming = incoming !== undefined && api.trace.isSpanContextValid(incoming);
      let parent: Context;
      let links: Link[] | undefined;
      if (useSpanLinks) {
        parent = api.ROOT_CONTEXT;
        links = hasIncoming ? [{ context: incoming }] : undefined;
      } else {
        // Python attaches the extracted context (baggage included) whether or not it holds a span.
        parent = extracted;
      }
      const span = tracer.startSpan(`run/${task.name}`, { kind: api.SpanKind.CONSUMER, ...(links === undefined ? {} : { links }) }, parent);
      const active = api.trace.setSpan(parent, span);
      let ended = false;
      return {
        within: <T>(fn: () => T): T => api.context.with(active, fn),
        carrier: () => toTraceCarrier(span.spanContext()),
        end(outcome: ExecutionOutcome): void {
          if (ended) return;
          ended = true;
          const end = runSpanEnd(task, request, outcome);
          span.setAttributes(runSpanAttributes(request, task.name, end.state) as Attributes);
          if (end.retryReason !== undefined) span.setAttribute("celery.retry.reason", end.retryReason);
          if (end.error !== undefined) {
            const event = pythonExceptionEvent(end.error);
            span.addEvent("exception", event.attributes);
            span.setStatus({ code: api.SpanStatusCode.ERROR, message: event.description });
          }
          span.end();
        },
      };
    },
  };
}
