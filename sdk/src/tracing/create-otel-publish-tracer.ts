import type { Attributes } from "@opentelemetry/api";
import { loadOtelApi, type OtelApi } from "./load-otel-api.js";
import type { PublishSpan, PublishSpanInfo, PublishTracer } from "./publish-tracer.js";
import { recordSpanError } from "./record-span-error.js";

/** The instrumentation scope of every span celery-proto starts. */
export const TRACER_NAME = "celery-proto";

/** Loads `@opentelemetry/api` and returns the producer tracer over the global tracer provider and propagator. */
export async function createOtelPublishTracer(): Promise<PublishTracer> {
  return otelPublishTracer(await loadOtelApi());
}

/**
 * opentelemetry-instrumentation-celery's producer side (`_trace_before_publish`): a PRODUCER span
 * `apply_async/<task>` child of the active context, with its attributes, whose context the global propagator writes
 * into the message headers.
 */
export function otelPublishTracer(api: OtelApi): PublishTracer {
  const tracer = api.trace.getTracer(TRACER_NAME);
  return {
    startPublish(info: PublishSpanInfo): PublishSpan {
      const parent = api.context.active();
      const span = tracer.startSpan(`apply_async/${info.taskName}`, { kind: api.SpanKind.PRODUCER, attributes: publishAttributes(info) }, parent);
      const headers: Record<string, string> = {};
      api.propagation.inject(api.trace.setSpan(parent, span), headers);
      return {
        headers,
        end(error?: unknown): void {
          if (error !== undefined) recordSpanError(api, span, error, error instanceof Error ? error.message : String(error));
          span.end();
        },
      };
    },
  };
}

/** The attributes in Python's order (`celery.action`, id, name, then `set_attributes_from_context` on the kwargs). */
export function publishAttributes(info: PublishSpanInfo): Attributes {
  const attributes: Attributes = {
    "celery.action": "apply_async",
    "messaging.message.id": info.taskId,
    "celery.task_name": info.taskName,
  };
  if (info.exchange !== "") attributes["celery.exchange"] = info.exchange;
  if (info.routingKey !== "") attributes["messaging.destination"] = info.routingKey;
  // Python sets the raw list for fanout/headers exchanges, which the SDK drops as an invalid attribute value.
  if (info.exchangeType === "direct") attributes["messaging.destination_kind"] = "queue";
  else if (info.exchangeType === "topic") attributes["messaging.destination_kind"] = "topic";
  return attributes;
}
