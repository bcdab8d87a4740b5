import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { makeChunks } from "./construct-signature.js";
import { toMutable, toValue } from "./mutable-signature.js";
import type { Signature } from "./signature.js";

/**
 * Celery's `task.chunks(items, n)`: applied on its own, a group of `celery.starmap` tasks of `n` items each (each
 * item is an argument list of `task`). Inside another canvas it travels as a `celery.chunks` task, as in Celery.
 */
export function chunks(task: Signature, items: readonly (readonly unknown[])[], n: number): Signature {
  if (!Number.isInteger(n) || n < 1) throw new CeleryProtoError("InvalidOption", `n: the chunk size must be a positive integer, got ${String(n)}`);
  return toValue(
    makeChunks(
      toMutable(task),
      items.map((i) => [...i]),
      n,
    ),
  );
}
