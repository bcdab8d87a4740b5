import type { CanvasOptions } from "./canvas-options.js";
import type { Signature } from "./signature.js";
import { toWireOptions } from "./to-wire-options.js";

/**
 * Sets execution options (Celery's `sig.set(**options)`: the given options replace the signature's, with no
 * immutable-option rule). Options by TypeScript names; returns the new signature.
 */
export function setOptions(sig: Signature, options: CanvasOptions): Signature {
  return { ...sig, options: { ...sig.options, ...toWireOptions(options) } };
}
