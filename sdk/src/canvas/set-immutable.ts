import { headerTasksOf, kindOf, tasksOf, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";

/**
 * Celery's `set_immutable`: a task gets the flag; a group passes it to every member; a chord only to its header
 * members (the body keeps receiving the header's results).
 */
export function setImmutable(sig: Signature, immutable: boolean): Signature {
  const copy = toMutable(sig);
  setImmutableMutable(copy, immutable);
  return toValue(copy);
}

export function setImmutableMutable(sig: MutableSignature, immutable: boolean): void {
  const kind = kindOf(sig);
  if (kind === "group") for (const t of tasksOf(sig)) setImmutableMutable(t, immutable);
  else if (kind === "chord") for (const t of headerTasksOf(sig)) setImmutableMutable(t, immutable);
  else sig.immutable = immutable;
}
