import type { RetryOptions } from "../app/task-context.js";
import { Retry } from "../errors/task-control-errors.js";

/**
 * What `context.retry()` throws: Celery's `Retry`, carrying the options the outcome recorder needs to publish the
 * retry message (countdown/eta, exc, maxRetries, replacement args, queue, priority).
 */
export class RetryRequested extends Retry {
  constructor(
    readonly options: RetryOptions,
    defaultRetryDelay: number,
  ) {
    const countdown = options.countdown ?? (options.eta === undefined ? defaultRetryDelay : undefined);
    const when = options.eta ?? new Date(Date.now() + (countdown ?? 0) * 1000);
    super("", when, options.exc);
  }
}
