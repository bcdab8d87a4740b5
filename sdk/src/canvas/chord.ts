import { makeChord } from "./construct-signature.js";
import { toMutable, toValue } from "./mutable-signature.js";
import type { Signature } from "./signature.js";
import type { CheckChordBody, StepResult } from "../typed/check-chain.js";
import type { TypedSignature } from "../typed/typed-signature.js";

/**
 * A chord (Celery's `chord(header, body)`): the header tasks run in parallel and the body is applied with the list
 * of their results. `header` is a list of signatures or a group. With typed signatures, the body must accept the
 * header's result list.
 */
export function chord<const H extends readonly Signature[] | Signature, B extends Signature | null = null>(
  header: H,
  body?: B & CheckChordBody<H, B>,
): TypedSignature<void, StepResult<B>>;
export function chord(header: readonly Signature[] | Signature, body: Signature | null = null): Signature {
  const h = Array.isArray(header) ? (header as readonly Signature[]).map(toMutable) : toMutable(header as Signature);
  return toValue(makeChord(h, body === null ? null : toMutable(body)));
}
