/** What the producer's span needs to know of one publish (Python's `before_task_publish` kwargs). */
export interface PublishSpanInfo {
  readonly taskName: string;
  readonly taskId: string;
  /** The exchange published to; `""` (the default exchange) is not recorded, as in Python. */
  readonly exchange: string;
  readonly routingKey: string;
  /** The declared queue's exchange type (Celery's `declare=[queue]`), or null when no queue is declared. */
  readonly exchangeType: string | null;
}

/** One `apply_async/<task>` span. */
export interface PublishSpan {
  /** The propagation headers (`traceparent`, `tracestate`, `baggage`) to merge at the top level of the task headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Ends the span; with an error, the publish failed (status ERROR, exception recorded). */
  end(error?: unknown): void;
}

/** Traces task publishing. Implemented over `@opentelemetry/api` (`create-otel-publish-tracer.ts`), loaded only when tracing is on. */
export interface PublishTracer {
  /** Starts the span under the active context (of the caller, or the running task's `run` span in the worker). */
  startPublish(info: PublishSpanInfo): PublishSpan;
}
