/** The worker's `tracing` option, as opentelemetry-instrumentation-celery's `instrument()` arguments. */
export interface WorkerTracingOptions {
  /**
   * Python's `use_span_links`: the `run` span starts a new trace with a link to the producer's span instead of being
   * its child (incoming baggage is then not active in the handler). Default false.
   */
  readonly useSpanLinks?: boolean;
}
