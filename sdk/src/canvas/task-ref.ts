import type { CanvasOptions } from "./canvas-options.js";
import { signature } from "./create-signature.js";
import type { Signature } from "./signature.js";

/** A task known by name, with Celery's signature shortcuts. */
export interface TaskRef {
  readonly name: string;
  /** `task.s(*args)`: a signature that receives the parent's result as an extra first argument. */
  s(...args: readonly unknown[]): Signature;
  /** `task.si(*args)`: an immutable signature (parent results are not passed to it). */
  si(...args: readonly unknown[]): Signature;
  /** `task.signature(args, kwargs, options)`. */
  signature(args?: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>, options?: CanvasOptions): Signature;
}

/** `taskRef("tasks.add").s(2)`; also takes anything with a `name` (a `TaskDescriptor` from `defineTask`). */
export function taskRef(task: string | { readonly name: string }): TaskRef {
  const name = typeof task === "string" ? task : task.name;
  return {
    name,
    s: (...args) => signature(name, args),
    si: (...args) => ({ ...signature(name, args), immutable: true }),
    signature: (args, kwargs, options) => signature(name, args, kwargs, options),
  };
}
