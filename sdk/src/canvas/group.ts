import { makeGroup } from "./construct-signature.js";
import { toMutable, toValue } from "./mutable-signature.js";
import type { Signature } from "./signature.js";
import type { ChainStep, GroupResults } from "../typed/check-chain.js";
import type { TypedSignature } from "../typed/typed-signature.js";

/**
 * A group (Celery's `group(*tasks)`): the members run in parallel and the result is their list. `group([a, b])`
 * (one array) and `group(otherGroup)` (its members) work too. Nested groups are flattened when applied.
 * With typed signatures its result type is the tuple of the members' results.
 */
export function group<const S extends readonly ChainStep[]>(...tasks: S): TypedSignature<unknown, GroupResults<S>>;
export function group(...tasks: readonly ChainStep[]): Signature {
  const only = tasks[0];
  if (tasks.length === 1 && only !== undefined) {
    if (Array.isArray(only)) return toValue(makeGroup((only as readonly Signature[]).map(toMutable)));
    return toValue(makeGroup(toMutable(only as Signature)));
  }
  return toValue(makeGroup((tasks as readonly Signature[]).map(toMutable)));
}
