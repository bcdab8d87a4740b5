import { bodyOf, kindOf, tasksOf, toMutable, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";

/**
 * How many completions a chord header member contributes (Celery's `_chord._descend`): a task counts 1, a group the
 * sum of its members, a chain its last step that counts anything, a chord its body.
 */
export function countChordSize(sig: Signature): number {
  return descend(toMutable(sig));
}

export function descend(sig: MutableSignature): number {
  switch (kindOf(sig)) {
    case "group":
      return tasksOf(sig).reduce((sum, t) => sum + descend(t), 0);
    case "chain": {
      const tasks = tasksOf(sig);
      for (let i = tasks.length - 1; i >= 0; i -= 1) {
        const size = descend(tasks[i] as MutableSignature);
        if (size > 0) return size;
      }
      return 0;
    }
    case "chord": {
      const body = bodyOf(sig);
      return body === null ? 0 : descend(body);
    }
    default:
      return 1;
  }
}
