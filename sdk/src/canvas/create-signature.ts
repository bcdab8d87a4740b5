import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { CanvasOptions } from "./canvas-options.js";
import type { Signature } from "./signature.js";
import { toWireOptions } from "./to-wire-options.js";

/**
 * A signature of one task call (Celery's `signature(name, args, kwargs, options)` / `task.signature(...)`).
 * Options use TypeScript names (`{ countdown: 10, queue: "math", linkError: errback }`) and are stored under
 * Celery's names.
 */
export function signature(name: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CanvasOptions = {}): Signature {
  if (typeof name !== "string" || name === "") throw new CeleryProtoError("InvalidOption", "name: a signature needs a non-empty task name");
  if (!Array.isArray(args)) throw new CeleryProtoError("InvalidOption", "args: must be an array");
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) throw new CeleryProtoError("InvalidOption", "kwargs: must be an object");
  return { task: name, args: [...args], kwargs: { ...kwargs }, options: toWireOptions(options), subtask_type: null, immutable: false };
}
