import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import { AsyncResult } from "../../../sdk/src/results/async-result.js";
import { GroupResult } from "../../../sdk/src/results/group-result.js";

/** States whose result is an exception (C:celery/states.py EXCEPTION_STATES). */
export const EXCEPTION_STATES: ReadonlySet<string> = new Set(["RETRY", "FAILURE", "REVOKED"]);

/** A failure prepared for storage: the exception dict and the Python-shaped traceback. */
export interface PreparedFailure {
  readonly info: ExceptionInfo;
  readonly traceback: string;
}

/** `prepare_exception` plus the traceback text Celery stores beside it. */
export function prepareFailure(error: unknown): PreparedFailure {
  const info = errorToExceptionInfo(error);
  return { info, traceback: formatPythonTraceback(error, info) };
}

/** True for what Celery would hold as an exception instance: an `Error`, or an object naming its Python class. */
export function isExceptionLike(value: unknown): boolean {
  if (value instanceof Error) return true;
  return typeof value === "object" && value !== null && typeof (value as { excType?: unknown }).excType === "string";
}

/**
 * Celery's `encode_result(result, state)`: an exception in an exception state becomes its dict, a result object
 * (`AsyncResult`/`GroupResult`) its `as_tuple()`, anything else is stored as it is.
 */
export function prepareResult(state: string, value: unknown): unknown {
  if (EXCEPTION_STATES.has(state) && isExceptionLike(value)) return errorToExceptionInfo(value);
  return prepareValue(value);
}

/** `prepare_value`: result objects are stored as their tuple; `undefined` (a handler returning nothing) is Python's None. */
export function prepareValue(value: unknown): unknown {
  if (value === undefined) return null;
  return value instanceof AsyncResult || value instanceof GroupResult ? value.toTuple() : value;
}
