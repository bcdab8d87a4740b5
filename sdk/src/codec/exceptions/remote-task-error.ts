import type { ExceptionInfo } from "./exception-info.js";
import { pythonExceptionStr } from "./python-exception-str.js";

const BRAND = Symbol.for("celery-proto.RemoteTaskError");

/**
 * A task's failure as the result backend reported it: the Python exception's class, module, args and traceback.
 * `name` is the Python class name, so `err.name === "ValueError"` reads naturally; `message` is Python's `str(exc)`.
 */
export class RemoteTaskError extends Error {
  readonly excType: string;
  readonly excModule: string | null;
  readonly excArgs: readonly unknown[];
  readonly traceback: string | null;
  readonly taskId: string | null;

  constructor(info: ExceptionInfo, traceback: string | null = null, taskId: string | null = null) {
    const args = Array.isArray(info.exc_message) ? info.exc_message : info.exc_message === undefined ? [] : [info.exc_message];
    super(pythonExceptionStr(args));
    this.name = info.exc_type;
    this.excType = info.exc_type;
    this.excModule = info.exc_module;
    this.excArgs = args;
    this.traceback = traceback;
    this.taskId = taskId;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static is(value: unknown): value is RemoteTaskError {
    return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  /** The exception dict this error was built from, unchanged. */
  toExceptionInfo(): ExceptionInfo {
    return { exc_type: this.excType, exc_message: [...this.excArgs], exc_module: this.excModule };
  }
}

/** Builds the JS error for a stored exception dict (the inverse of `errorToExceptionInfo`). */
export function exceptionInfoToError(info: ExceptionInfo, traceback: string | null = null, taskId: string | null = null): RemoteTaskError {
  return new RemoteTaskError(info, traceback, taskId);
}
