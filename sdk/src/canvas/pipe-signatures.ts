import { cloneMutable } from "./clone-signature.js";
import { makeChain, makeChord } from "./construct-signature.js";
import { bodyOf, isEmptyGroup, kindOf, maybeUnrollGroup, setBody, tasksOf, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";
import { unchainTasks } from "./unchain-tasks.js";

/**
 * Celery's `a | b` (5.7 rules): task | task → chain; chain | task → longer chain; group | task → chord;
 * chain ending in a group | task → that group becomes a chord; chord | task → the task joins the chord's body;
 * an empty group on the right is dropped.
 */
export function pipe(first: Signature, ...rest: readonly Signature[]): Signature {
  let acc = toMutable(first);
  for (const next of rest) acc = orMutable(acc, toMutable(next));
  return toValue(acc);
}

/** Internal `__or__`, dispatching on the left operand's kind. */
export function orMutable(a: MutableSignature, b: MutableSignature): MutableSignature {
  switch (kindOf(a)) {
    case "group":
      return kindOf(b) === "group" && tasksOf(b).length === 0 ? a : makeChord(a, b);
    case "chord": {
      const kindB = kindOf(b);
      if (kindB !== "group" && kindB !== "chain") return withBody(a, b);
      if (kindB === "group" && tasksOf(b).length === 1) return withBody(a, maybeUnrollGroup(b));
      return signatureOr(a, b);
    }
    case "chain":
      return chainOr(a, b);
    default:
      return signatureOr(a, b);
  }
}

function withBody(chord: MutableSignature, next: MutableSignature): MutableSignature {
  const sig = cloneMutable(chord);
  const body = bodyOf(sig);
  setBody(sig, body === null ? next : orMutable(body, next));
  return sig;
}

/** `Signature.__or__`. */
function signatureOr(a: MutableSignature, b: MutableSignature): MutableSignature {
  const kindB = kindOf(b);
  if (kindB === "chain") return makeChain([a, ...unchainTasks(b)]);
  if (kindB === "group") return makeChain([a, maybeUnrollGroup(b)]);
  return makeChain([a, b]);
}

/** `_chain.__or__` (5.7). */
function chainOr(self: MutableSignature, other: MutableSignature): MutableSignature {
  if (isEmptyGroup(other)) return self;
  const kindOther = kindOf(other);
  if (kindOther === "group") {
    const unrolled = maybeUnrollGroup(other);
    if (kindOf(unrolled) !== "group") return chainOr(self, unrolled);
    const tasks = unchainTasks(self);
    const last = tasks[tasks.length - 1];
    if (last === undefined) return unrolled;
    if (kindOf(last) === "chord") {
      const body = bodyOf(last);
      setBody(last, body === null ? unrolled : orMutable(body, unrolled));
      return makeChain(tasks);
    }
    return makeChain([...tasks, unrolled]);
  }
  if (kindOther === "chain") return unchainTasks(other).reduce(orMutable, self);
  const own = tasksOf(self);
  const last = own[own.length - 1];
  if (last !== undefined && kindOf(last) === "group") {
    const sig = cloneMutable(self);
    const tasks = tasksOf(sig);
    tasks[tasks.length - 1] = makeChord(tasks[tasks.length - 1] as MutableSignature, other);
    const beforeLast = tasks[tasks.length - 2];
    if (beforeLast !== undefined && kindOf(beforeLast) === "chord") {
      const body = bodyOf(beforeLast);
      setBody(beforeLast, body === null ? (tasks[tasks.length - 1] as MutableSignature) : orMutable(body, tasks[tasks.length - 1] as MutableSignature));
      sig.kwargs["tasks"] = tasks.slice(0, -1);
    }
    return sig;
  }
  if (last !== undefined && kindOf(last) === "chord" && kindOther !== "chord") {
    const sig = cloneMutable(self);
    const tasks = tasksOf(sig);
    const lastClone = tasks[tasks.length - 1] as MutableSignature;
    const body = bodyOf(lastClone);
    setBody(lastClone, body === null ? other : orMutable(body, other));
    return sig;
  }
  return makeChain([...unchainTasks(self), other]);
}
