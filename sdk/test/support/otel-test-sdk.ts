// A minimal OpenTelemetry SDK for the tracing tests: in-memory exporter, W3C trace context + baggage propagators, and
// an AsyncLocalStorage context manager.
import { context, propagation, trace } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AlsContextManager } from "./als-context-manager.js";

export interface OtelTestSdk {
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
}

/** Registers the SDK globally (once per test process). `contextManager: false` leaves the API's no-op one. */
export function registerOtelTestSdk(options: { readonly contextManager?: boolean } = {}): OtelTestSdk {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  if (options.contextManager !== false) context.setGlobalContextManager(new AlsContextManager());
  return { exporter, spans: () => exporter.getFinishedSpans() };
}
