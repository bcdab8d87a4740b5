import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { CeleryProtoError, isErrorCode } from "../../../sdk/src/errors/celery-proto-error.js";
import {
  ChordError,
  MaxRetriesExceededError,
  NotRegistered,
  SoftTimeLimitExceeded,
  TaskRevokedError,
  TimeLimitExceeded,
  WorkerLostError,
} from "../errors/task-control-errors.js";
import { toIpcValue, fromIpcValue } from "./ipc-value.js";

/**
 * A thrown value as it crosses from a pool process to the worker: enough to rebuild an error for which
 * `errorToExceptionInfo` gives the dict it gave in the child, plus the JS name, message, stack and class chain.
 */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | null;
  readonly excType: string;
  readonly excModule: string | null;
  /** The Python `args` (an IPC value; see `toIpcValue`). */
  readonly excArgs: unknown;
  /** Constructor names along the prototype chain, most derived first (`["HttpError", "Error"]`). */
  readonly classNames: readonly string[];
  /** The `code` of a `CeleryProtoError` (rebuilt as one, so `CeleryProtoError.is(err, code)` still holds). */
  readonly code: string | null;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Control errors that keep their class in the worker, with the Python module they report (matched with `excType`). */
const KNOWN_CLASSES: ReadonlyArray<readonly [ErrorClass, string, string]> = [
  [SoftTimeLimitExceeded, "SoftTimeLimitExceeded", "billiard.exceptions"],
  [TimeLimitExceeded, "TimeLimitExceeded", "billiard.exceptions"],
  [WorkerLostError, "WorkerLostError", "billiard.exceptions"],
  [MaxRetriesExceededError, "MaxRetriesExceededError", "celery.exceptions"],
  [NotRegistered, "NotRegistered", "celery.exceptions"],
  [TaskRevokedError, "TaskRevokedError", "celery.exceptions"],
  [ChordError, "ChordError", "celery.exceptions"],
];

/** Describes a thrown value for the IPC channel. Arguments that cannot cross become their `String()`. */
export function toWireError(error: unknown): WireError {
  const info = errorToExceptionInfo(error);
  const args = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
  const e = typeof error === "object" && error !== null ? (error as { readonly name?: unknown; readonly message?: unknown; readonly stack?: unknown }) : null;
  return {
    name: typeof e?.name === "string" ? e.name : info.exc_type,
    message:
      typeof e?.message === "string" ? e.message : args.length === 1 && typeof args[0] === "string" ? args[0] : safeRepr(args.length === 1 ? args[0] : args),
    stack: typeof e?.stack === "string" ? e.stack : null,
    excType: info.exc_type,
    excModule: info.exc_module,
    excArgs: encodeArgs(args),
    classNames: classNamesOf(error),
    code: CeleryProtoError.is(error) ? error.code : null,
  };
}

/**
 * Rebuilds the error in the worker. Its prototype is the matching Celery control error class, else the first class
 * in `classes` (e.g. the task's `autoretryFor`) whose name is in the child's class chain — so `instanceof` checks
 * against those classes still work — else `Error`; a `CeleryProtoError` is rebuilt as one, with its `code`. Name, message, stack and the `exc*` fields are the child's.
 */
export function fromWireError(wire: WireError, classes: ReadonlyArray<unknown> = []): Error {
  const known = KNOWN_CLASSES.find(([, excType, module]) => excType === wire.excType && module === wire.excModule)?.[0];
  const user = classes.find((cls): cls is ErrorClass => typeof cls === "function" && wire.classNames.includes(cls.name) && cls.prototype instanceof Error);
  const error =
    wire.code !== null && isErrorCode(wire.code)
      ? new CeleryProtoError(wire.code, wire.message)
      : (Object.create((known ?? user)?.prototype ?? Error.prototype) as Error);
  const define = (key: string, value: unknown, enumerable: boolean): void => {
    Object.defineProperty(error, key, { value, enumerable, writable: true, configurable: true });
  };
  define("name", wire.name, false);
  define("message", wire.message, false);
  define("stack", wire.stack ?? `${wire.name}: ${wire.message}`, false);
  define("excType", wire.excType, true);
  define("excModule", wire.excModule, true);
  define("excArgs", decodeArgs(wire.excArgs), true);
  return error;
}

function classNamesOf(error: unknown): string[] {
  const names: string[] = [];
  if (typeof error !== "object" || error === null) return names;
  let proto = Object.getPrototypeOf(error) as { readonly constructor?: { readonly name?: unknown } } | null;
  while (proto !== null && proto !== Object.prototype && names.length < 32) {
    const name = proto.constructor?.name;
    if (typeof name === "string" && name !== "") names.push(name);
    proto = Object.getPrototypeOf(proto) as typeof proto;
  }
  return names;
}

function encodeArgs(args: readonly unknown[]): unknown {
  return args.map((arg) => {
    try {
      return toIpcValue(arg);
    } catch {
      return String(arg);
    }
  });
}

function decodeArgs(raw: unknown): unknown[] {
  const decoded = fromIpcValue(raw);
  return Array.isArray(decoded) ? decoded : [decoded];
}
