import { chain } from "../../../sdk/src/canvas/chain.js";
import { chord } from "../../../sdk/src/canvas/chord.js";
import { group } from "../../../sdk/src/canvas/group.js";
import { fromSignatureDict, toSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import type { Signature } from "../../../sdk/src/canvas/signature.js";
import type { CanvasNode } from "./conformance-case.js";

/**
 * A case's canvas as a Celery signature, built with the SDK's canvas (so its dict is exactly Celery's). Every task
 * without a `queue` option is sent to `queue` (the worker under test), callbacks included. `stamps: {k: v}` becomes
 * Celery's `stamped_headers: [k]` and `k: v`.
 */
export function buildCanvas(node: CanvasNode, queue: string): Signature {
  if ("chain" in node) return chain(...node.chain.map((n) => buildCanvas(n, queue)));
  if ("group" in node) return group(...node.group.map((n) => buildCanvas(n, queue)));
  if ("chord" in node)
    return chord(
      node.chord.header.map((n) => buildCanvas(n, queue)),
      buildCanvas(node.chord.body, queue),
    );
  const { stamps, ...rest } = node.options;
  const options: Record<string, unknown> = { queue, ...rest };
  // Celery's form of stamps in a signature's options (what `apply_async(stamped_headers=[k], k=v)` carries).
  if (stamps !== undefined) Object.assign(options, { stamped_headers: Object.keys(stamps as object) }, stamps);
  for (const key of ["link", "link_error"]) {
    const callback = node.options[key];
    if (callback !== undefined) options[key] = [toSignatureDict(buildCanvas(callback as CanvasNode, queue))];
  }
  return fromSignatureDict({ task: node.task, args: node.args, kwargs: node.kwargs, options, subtask_type: null, immutable: false });
}
