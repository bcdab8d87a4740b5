import type { RegisteredTask } from "../app/task-registry.js";
import { autoretryOptions, matchesAutoretry } from "../consumer/autoretry.js";
import { describeRetry } from "../consumer/settle-outcome.js";
import { MaxRetriesExceededError, TaskRevokedError, TimeLimitExceeded } from "../errors/task-control-errors.js";
import type { ExecutionOutcome } from "../pool/execution-pool.js";
import type { TaskRequest } from "../request/task-request.js";

/** How a `run` span ends: Python's `celery.state`, the error to record (status ERROR), the retry reason. */
export interface RunSpanEnd {
  readonly state: string;
  readonly error?: unknown;
  readonly retryReason?: string;
}

/**
 * Maps an execution's outcome to what the Python instrumentation records (`task_postrun` state, `_trace_failure`,
 * `_trace_retry`). Where Python records nothing (the span is never ended: hard time limit, lost or terminated
 * process), the span ends here: FAILURE with the error for a time limit or a lost worker, REVOKED with
 * `TaskRevokedError('terminated')` for `revoke --terminate`.
 */
export function runSpanEnd(task: RegisteredTask, request: TaskRequest, outcome: ExecutionOutcome): RunSpanEnd {
  switch (outcome.kind) {
    case "success":
      return { state: "SUCCESS" };
    case "failure":
      if (matchesAutoretry(task, outcome.error))
        return retryEnd(
          task,
          request,
          autoretryOptions(task, request.retries, outcome.error, () => 0),
        );
      return { state: "FAILURE", error: outcome.error };
    case "retry":
      return retryEnd(task, request, outcome.options);
    case "reject":
      return { state: "REJECTED" };
    case "ignore":
      return { state: "IGNORED" };
    case "time-limit":
      return { state: "FAILURE", error: new TimeLimitExceeded(outcome.seconds) };
    case "worker-lost":
      return { state: "FAILURE", error: outcome.error };
    case "terminated":
      return { state: "REVOKED", error: new TaskRevokedError("terminated") };
  }
}

function retryEnd(task: RegisteredTask, request: TaskRequest, options: Parameters<typeof describeRetry>[0] & { readonly exc?: unknown }): RunSpanEnd {
  const maxRetries = options.maxRetries ?? task.options.maxRetries;
  if (maxRetries !== null && request.retries + 1 > maxRetries) {
    const error =
      options.exc ?? new MaxRetriesExceededError(`Can't retry ${request.task}[${request.id}] args:${request.argsrepr} kwargs:${request.kwargsrepr}`);
    return { state: "FAILURE", error };
  }
  return { state: "RETRY", retryReason: describeRetry(options, task.options.defaultRetryDelay) };
}
