import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";

/**
 * The `exception` span event as Python's SDK writes it for the task's exception (`record_exception`):
 * `exception.type` is `module.QualName` (bare for builtins), `exception.message` is `str(exc)`, `exception.escaped`
 * the string "False". Also the status description (`str(exc)`).
 */
export function pythonExceptionEvent(error: unknown): { readonly description: string; readonly attributes: Record<string, string> } {
  const info = errorToExceptionInfo(error);
  const type = info.exc_module === "builtins" || info.exc_module === "" ? info.exc_type : `${info.exc_module}.${info.exc_type}`;
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack : "";
  return {
    description: message,
    attributes: { "exception.type": type, "exception.message": message, "exception.stacktrace": stack, "exception.escaped": "False" },
  };
}
