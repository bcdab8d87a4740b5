import { ensureSerializableArgs } from "./ensure-serializable-args.js";
import type { ExceptionInfo } from "./exception-info.js";
import { PYTHON_BUILTIN_EXCEPTIONS } from "./python-builtin-exceptions.js";

/** The module custom (non-builtin) JS error names are reported under; Python builds a dynamic Exception class for it. */
export const JS_ERROR_MODULE = "celery_proto.errors";

/** JS built-in errors whose nearest Python built-in has another name. */
const JS_TO_PYTHON: Readonly<Record<string, string>> = {
  Error: "Exception",
  RangeError: "ValueError",
  ReferenceError: "NameError",
  EvalError: "RuntimeError",
  URIError: "ValueError",
  AggregateError: "Exception",
};

/**
 * An error that says exactly which Python exception it stands for. Set these on any thrown object to control the
 * mapping: `excType`, `excModule` (null for a dynamic class) and `excArgs` (the Python `args`).
 */
export interface PythonExceptionLike {
  readonly excType?: string;
  readonly excModule?: string | null;
  readonly excArgs?: readonly unknown[];
}

/**
 * Maps a thrown JS value to Celery's exception dict. `ValueError`-named errors (and JS built-ins with a Python
 * equivalent) map to `builtins`; other names go under `celery_proto.errors`, which Python turns into an
 * Exception subclass of that name. A thrown value that is not error-like (`throw {code: 42}`, `throw "text"`,
 * `throw 42`, `throw null`) is carried as Celery stores `Exception(value)`: `Exception({'code': 42})` in Python.
 * Arguments the serializer cannot hold become their repr string, as in Celery.
 */
export function errorToExceptionInfo(error: unknown): ExceptionInfo {
  if (!isErrorLike(error)) return { exc_type: "Exception", exc_message: ensureSerializableArgs([error]), exc_module: "builtins" };
  const e = error as Partial<Error> & PythonExceptionLike;
  const args = ensureSerializableArgs(Array.isArray(e.excArgs) ? e.excArgs : typeof e.message !== "string" || e.message === "" ? [] : [e.message]);
  if (typeof e.excType === "string") {
    return { exc_type: e.excType, exc_message: args, exc_module: e.excModule === undefined ? JS_ERROR_MODULE : e.excModule };
  }
  const name = typeof e.name === "string" && e.name !== "" ? e.name : "Error";
  const mapped = JS_TO_PYTHON[name] ?? name;
  if (PYTHON_BUILTIN_EXCEPTIONS.has(mapped)) return { exc_type: mapped, exc_message: args, exc_module: "builtins" };
  return { exc_type: sanitizeIdentifier(name), exc_message: args, exc_module: JS_ERROR_MODULE };
}

/** An `Error` (of any realm: one with a string `message`), or an object naming its Python exception. */
function isErrorLike(value: unknown): value is object {
  if (value instanceof Error) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as { readonly message?: unknown; readonly excType?: unknown; readonly excArgs?: unknown };
  return typeof v.message === "string" || typeof v.excType === "string" || Array.isArray(v.excArgs);
}

function sanitizeIdentifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
