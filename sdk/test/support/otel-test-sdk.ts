// A minimal OpenTelemetry SDK for the tracing tests: in-memory exporter, W3C trace context + baggage propagators, and
// an AsyncLocalStorage context manager (what NodeTracerProvider.register() installs; context-async-hooks is not a
// dependency here).
import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, type ContextManager, context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

class AlsContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (...args: unknown[]): unknown => this.with(ctx, () => (target as (...a: unknown[]) => unknown)(...args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

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
