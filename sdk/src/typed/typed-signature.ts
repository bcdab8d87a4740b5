import type { Signature } from "../canvas/signature.js";

/**
 * A `Signature` (the same wire dict) that also carries, as phantom types, what it expects from a parent step
 * (`Input`: the first argument still missing, `void` when complete) and what it returns. `tasks.add.s(1, 2)` is a
 * `TypedSignature<void, number>`; `tasks.mul.s(3)` a `TypedSignature<number, number>` waiting for a number.
 */
export interface TypedSignature<Input, Result> extends Signature {
  /** Phantom: contravariant in `Input` (a step accepting `unknown` fits after any step). Never set at run time. */
  readonly __input?: (input: Input) => void;
  /** Phantom: the step's result type. Never set at run time. */
  readonly __result?: Result;
}

/** The result type of a typed signature. */
export type SignatureResult<S> = S extends { readonly __result?: infer R } ? R : unknown;
