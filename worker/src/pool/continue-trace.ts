import type { SpanContext } from "@opentelemetry/api";
import { loadOtelApi, type OtelApi } from "../../../sdk/src/tracing/load-otel-api.js";
import { parseTraceparent, type TraceCarrier, type TraceParent } from "../../../sdk/src/tracing/trace-carrier.js";

/** Calls a function with a context active (or plainly, when the trace cannot be continued). */
export type TraceScope = <T>(fn: () => T) => T;

export interface TraceContinuationOptions {
  /** Default `loadOtelApi`. */
  readonly load?: () => Promise<OtelApi>;
  /** Called once, when `@opentelemetry/api` cannot be loaded (the handlers then run without the parent span). */
  readonly warn: (message: string) => void;
}

const untraced: TraceScope = (fn) => fn();

/**
 * A pool process's side of the `run` span: for a job's carrier, the scope that makes the parent's span the (remote)
 * parent of the spans the handler starts. `@opentelemetry/api` is loaded on the first carrier, once: a process whose
 * jobs carry none (tracing off) never loads it. The process's own SDK (registered by the task module or
 * `node --import`) records the spans; without one they are no-ops, as anywhere.
 */
export function createTraceContinuation(options: TraceContinuationOptions): (carrier: TraceCarrier) => Promise<TraceScope> {
  const load = options.load ?? loadOtelApi;
  let api: Promise<OtelApi | null> | null = null;
  return async (carrier) => {
    api ??= load().catch((error: unknown) => {
      options.warn(`the handlers' spans are not children of the worker's run spans: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    const loaded = await api;
    const parent = parseTraceparent(carrier.traceparent);
    if (loaded === null || parent === null) return untraced;
    const active = loaded.trace.setSpanContext(loaded.ROOT_CONTEXT, remoteSpanContext(loaded, parent, carrier.tracestate));
    return (fn) => loaded.context.with(active, fn);
  };
}

function remoteSpanContext(api: OtelApi, parent: TraceParent, tracestate: string | undefined): SpanContext {
  const base = { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.traceFlags, isRemote: true };
  return tracestate === undefined ? base : { ...base, traceState: api.createTraceState(tracestate) };
}
