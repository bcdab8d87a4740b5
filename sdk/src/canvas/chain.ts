import { cloneMutable } from "./clone-signature.js";
import { makeChain, makeChord } from "./construct-signature.js";
import { bodyOf, isEmptyGroup, kindOf, maybeUnrollGroup, setBody, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import { orMutable } from "./pipe-signatures.js";
import type { Signature } from "./signature.js";
import { unchainTasks } from "./unchain-tasks.js";
import type { ChainResult, ChainStep, CheckChain } from "../typed/check-chain.js";
import type { TypedSignature } from "../typed/typed-signature.js";

/**
 * A chain (Celery 5.7's `chain(*tasks)`, built in one pass as `_fold_chain`): each step receives the previous
 * step's result. Nested chains are spliced; a group followed by a task becomes a chord; a task after a chord joins
 * the chord's body; empty groups are dropped. Like Celery, the result is not always a `celery.chain`: a chain that
 * starts with a group is a chord, for example. `chain([a, b])` (one array) works too.
 * With typed signatures (generated tasks' `.s()`), each step is checked against the previous step's result type.
 */
export function chain<const S extends readonly ChainStep[]>(...tasks: S & CheckChain<S>): TypedSignature<void, ChainResult<S>>;
export function chain(...tasks: readonly ChainStep[]): Signature {
  const only = tasks[0];
  if (tasks.length === 1 && only !== undefined && !Array.isArray(only)) return toValue(makeChain([toMutable(only as Signature)]));
  const list = (tasks.length === 1 && Array.isArray(only) ? only : tasks) as readonly Signature[];
  return toValue(foldChain(list.map(toMutable)));
}

/** `_fold_chain`. */
export function foldChain(tasks: readonly MutableSignature[]): MutableSignature {
  const steps: MutableSignature[] = [];
  for (const [position, task] of tasks.entries()) {
    const result = mergeChainStep(steps, task, position !== tasks.length - 1);
    if (result !== steps) return tasks.slice(position + 1).reduce(orMutable, result as MutableSignature);
  }
  return makeChain([...steps.slice(0, -1).map((s) => cloneMutable(s)), ...steps.slice(-1)]);
}

/** `_merge_chain_step`: adds `other` to `steps` with the `|` rules; returns `steps`, or what replaces the chain. */
function mergeChainStep(steps: MutableSignature[], other: MutableSignature, cloneOther: boolean): MutableSignature[] | MutableSignature {
  if (isEmptyGroup(other)) return steps;
  const last = steps[steps.length - 1];
  const kind = kindOf(other);
  if (kind === "group") {
    const unrolled = maybeUnrollGroup(other);
    if (kindOf(unrolled) !== "group") return mergeChainStep(steps, unrolled, cloneOther);
    if (last === undefined) return unrolled;
    if (kindOf(last) === "chord") {
      appendToBody(last, unrolled);
      return steps;
    }
    steps.push(cloneOther ? cloneMutable(unrolled) : unrolled);
    return steps;
  }
  if (kind === "chain") {
    const inner = unchainTasks(other);
    for (const [position, task] of inner.entries()) {
      const result = mergeChainStep(steps, task, cloneOther || position !== inner.length - 1);
      if (result !== steps) return inner.slice(position + 1).reduce(orMutable, result as MutableSignature);
    }
    return steps;
  }
  if (last !== undefined && kindOf(last) === "group") {
    steps[steps.length - 1] = makeChord(last, cloneOther ? cloneMutable(other) : other);
    return steps;
  }
  if (last !== undefined && kindOf(last) === "chord" && kind !== "chord") {
    appendToBody(last, other);
    return steps;
  }
  steps.push(cloneOther ? cloneMutable(other) : other);
  return steps;
}

function appendToBody(chord: MutableSignature, next: MutableSignature): void {
  const body = bodyOf(chord);
  setBody(chord, body === null ? next : orMutable(body, next));
}
