import { reconstruct } from "./construct-signature.js";
import { mergeCall } from "./merge-signature.js";
import { bodyOf, deepCopy, kindOf, setBody, tasksOf, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";

export interface CloneOptions {
  /** Partial args, prepended to the signature's (ignored when it is immutable). */
  readonly args?: readonly unknown[];
  /** Partial kwargs, merged over the signature's (ignored when it is immutable). */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Options by Celery's names, merged with the signature's (`group_id`, `stamped_headers` and stamps are kept). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A copy of the signature, optionally with partial args/kwargs/options merged in (Celery's `Signature.clone`). */
export function clone(sig: Signature, with_: CloneOptions = {}): Signature {
  return toValue(cloneMutable(toMutable(sig), with_.args, with_.kwargs, with_.options));
}

/**
 * Internal `Signature.clone` (+ the chain and chord overrides): options deep-copied, the result rebuilt through
 * `from_dict`, chain steps and the chord body cloned too.
 */
export function cloneMutable(
  sig: MutableSignature,
  args: readonly unknown[] = [],
  kwargs: Readonly<Record<string, unknown>> = {},
  options: Readonly<Record<string, unknown>> = {},
): MutableSignature {
  const call = args.length > 0 || Object.keys(kwargs).length > 0 || Object.keys(options).length > 0;
  const merged = call ? mergeCall(sig, args, kwargs, options) : { args: sig.args, kwargs: sig.kwargs, options: sig.options };
  const copy = reconstruct({
    task: sig.task,
    args: [...merged.args],
    kwargs: { ...merged.kwargs },
    options: deepCopy(merged.options),
    subtask_type: sig.subtask_type,
    immutable: sig.immutable,
  });
  const kind = kindOf(copy);
  if (kind === "chain") copy.kwargs["tasks"] = tasksOf(copy).map((t) => cloneMutable(t));
  if (kind === "chord") {
    const body = bodyOf(copy);
    setBody(copy, body === null ? null : cloneMutable(body));
  }
  return copy;
}
