import type { SendTaskOptions } from "../client/send-task-options.js";
import type { Signature } from "./signature.js";

/**
 * apply_async options by TypeScript names, as `SendTaskOptions` has them, with canvas signatures for the callback
 * fields. Converted to Celery's names (`toWireOptions`) when stored in a signature.
 */
export interface CanvasOptions extends Omit<SendTaskOptions, "link" | "linkError" | "chain" | "chord"> {
  /** Success callbacks (`options.link`). */
  readonly link?: Signature | readonly Signature[] | null;
  /** Error callbacks (`options.link_error`). */
  readonly linkError?: Signature | readonly Signature[] | null;
  /** Remaining chain steps, REVERSED (the next step last), as the wire carries them (`options.chain`). */
  readonly chain?: readonly Signature[] | null;
  /** Chord body, for a chord header member (`options.chord`). */
  readonly chord?: Signature | null;
}
