import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatExceptionRepr } from "../outcomes/format-exception-repr.js";

/**
 * Python's `repr()` of the exception Celery stores for a thrown value: `ValueError('boom')`, `KeyError('k', 2)`,
 * `TimeLimitExceeded(5)`, `Ignore()`. This is what logs print and what `task-failed` / `task-retried` events carry.
 */
export function reprException(error: unknown): string {
  return formatExceptionRepr(errorToExceptionInfo(error));
}
