import { Ignore, Reject, Retry } from "../errors/task-control-errors.js";
import type { ExecutionOutcome } from "../pool/execution-pool.js";
import { RetryRequested } from "./retry-requested.js";

/**
 * How a handler's end maps to an outcome, as Celery's tracer classifies it (C:celery/app/trace.py): `Retry` →
 * retry, `Reject` → reject(requeue), `Ignore` → ignore, anything else thrown → failure, a return → success.
 */
export function toExecutionOutcome(
  result: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown },
  runtimeSeconds: number,
): ExecutionOutcome {
  if (result.ok) return { kind: "success", value: result.value, runtimeSeconds };
  const error = result.error;
  if (error instanceof RetryRequested) return { kind: "retry", options: error.options, runtimeSeconds };
  if (error instanceof Retry) return { kind: "retry", options: { eta: error.when, ...(error.exc === undefined ? {} : { exc: error.exc }) }, runtimeSeconds };
  if (error instanceof Reject) return { kind: "reject", requeue: error.requeue };
  if (error instanceof Ignore) return { kind: "ignore" };
  return { kind: "failure", error, runtimeSeconds };
}
