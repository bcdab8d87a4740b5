import type { Signature } from "../canvas/signature.js";
import type { TypedSignature } from "./typed-signature.js";

/** What a step expects from the previous one: `unknown` (anything) for untyped signatures, groups and lists. */
export type StepInput<S> = S extends { readonly __input?: (input: infer I) => void } ? I : unknown;
/** What a step returns: `unknown` for untyped signatures. */
export type StepResult<S> = S extends { readonly __result?: infer R } ? R : unknown;

/**
 * The chain's steps as they must be typed: each typed step must accept the previous step's result as the argument
 * it still misses (the first step gets nothing, so it must be complete). A step that does not fit is replaced by the
 * `TypedSignature` it should have been, so the compiler reports it at that argument. Untyped steps (plain
 * `Signature`s, groups) accept anything and return `unknown`.
 */
export type CheckChain<S extends readonly unknown[], Prev = void> = S extends readonly [infer First, ...infer Rest]
  ? readonly [
      unknown extends Prev ? First : [Prev] extends [StepInput<First>] ? First : TypedSignature<Prev, StepResult<First>>,
      ...CheckChain<Rest, StepResult<First>>,
    ]
  : S;

/** The result type of a chain: its last step's. */
export type ChainResult<S extends readonly unknown[]> = S extends readonly [...unknown[], infer Last] ? StepResult<Last> : unknown;

/** Any chain argument: a signature or a list of them. */
export type ChainStep = Signature | readonly Signature[];

/** The result list of a group: the members' results as a tuple (`unknown[]` for a group built from one array). */
export type GroupResults<S extends readonly unknown[]> = S extends readonly [readonly Signature[]] ? unknown[] : { -readonly [K in keyof S]: StepResult<S[K]> };

/** What a chord's header produces: the results of its signatures (a list or a group). */
export type HeaderResults<H> = H extends readonly unknown[] ? GroupResults<H> : StepResult<H>;

/** A chord body as it must be typed: it receives the header's result list as its missing argument. */
export type CheckChordBody<H, B> = B extends null
  ? B
  : unknown extends HeaderResults<H>
    ? B
    : [HeaderResults<H>] extends [StepInput<B>]
      ? B
      : TypedSignature<HeaderResults<H>, StepResult<B>>;
