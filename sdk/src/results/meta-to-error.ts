import type { ExceptionInfo } from "../codec/exceptions/exception-info.js";
import { exceptionInfoToError, type RemoteTaskError } from "../codec/exceptions/remote-task-error.js";
import type { ResultMeta } from "../gen/json-schema/types.js";

/**
 * The error a failed, revoked or retrying task's meta describes: its exception dict as a `RemoteTaskError` with
 * the traceback and task id. A meta without an exception dict (Celery would raise TypeError) gets a generic one.
 */
export function metaToError(meta: ResultMeta): RemoteTaskError {
  const traceback = typeof meta.traceback === "string" ? meta.traceback : null;
  if (isExceptionInfo(meta.result)) return exceptionInfoToError(meta.result, traceback, meta.task_id);
  const info: ExceptionInfo =
    meta.status === "REVOKED"
      ? { exc_type: "TaskRevokedError", exc_message: ["revoked"], exc_module: "celery.exceptions" }
      : { exc_type: "Exception", exc_message: [`task ${meta.task_id} ended in state ${meta.status} without an exception`], exc_module: "builtins" };
  return exceptionInfoToError(info, traceback, meta.task_id);
}

/** True for Celery's `{exc_type, exc_message, exc_module}` dict. */
export function isExceptionInfo(value: unknown): value is ExceptionInfo {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { exc_type?: unknown }).exc_type === "string";
}
