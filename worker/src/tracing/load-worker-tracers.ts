import { otelPublishTracer } from "../../../sdk/src/tracing/create-otel-publish-tracer.js";
import { loadOtelApi } from "../../../sdk/src/tracing/load-otel-api.js";
import type { PublishTracer } from "../../../sdk/src/tracing/publish-tracer.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import { otelRunTracer } from "./create-otel-run-tracer.js";
import type { RunTracer } from "./run-tracer.js";
import type { WorkerTracingOptions } from "./tracing-options.js";

export interface WorkerTracers {
  readonly run: RunTracer;
  /** For what the outcomes publish (callbacks, chain steps, chord bodies, retries), under the `run` span. */
  readonly publish: PublishTracer;
}

/**
 * Loads `@opentelemetry/api` (refused naming it when missing) and the worker's tracers over the global provider and
 * propagator. Warns when no context manager carries the active context across `await`s (the SDK's
 * `NodeTracerProvider.register()` / `NodeSDK` install one): without it neither the handler's spans nor what the
 * outcome publishes are children of the `run` span.
 */
export async function loadWorkerTracers(options: WorkerTracingOptions, logger: WorkerLogger): Promise<WorkerTracers> {
  const api = await loadOtelApi();
  const key = api.createContextKey("celery-proto.probe");
  const probe = api.ROOT_CONTEXT.setValue(key, true);
  if (api.context.with(probe, () => api.context.active().getValue(key)) !== true) {
    logger.warning(
      "tracing: no OpenTelemetry context manager is registered; spans of handlers and of the callbacks, chain steps and retries they lead to will not be children of the run span (register one, e.g. AsyncLocalStorageContextManager)",
    );
  }
  return { run: otelRunTracer(api, options), publish: otelPublishTracer(api) };
}
