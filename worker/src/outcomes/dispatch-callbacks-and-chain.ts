import { applyCanvas } from "../../../sdk/src/canvas/apply-async.js";
import type { CanvasOptions } from "../../../sdk/src/canvas/canvas-options.js";
import { group } from "../../../sdk/src/canvas/group.js";
import { fromSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import { signatureKind } from "../../../sdk/src/canvas/signature-kind.js";
import type { Signature } from "../../../sdk/src/canvas/signature.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { ResultTuple, Signature as SignatureDict } from "../../../sdk/src/gen/json-schema/types.js";
import { toChildTuple } from "./to-child-tuple.js";

export interface DispatchTarget {
  /** The finished task's id: `parent_id` of everything published. */
  readonly parentId: string;
  /** Its root id (`root_id or id`). */
  readonly rootId: string;
  /** `task_inherit_parent_priority`: the delivery priority, else null (not sent). */
  readonly priority: number | null;
}

/**
 * Celery 5.7's `_dispatch_callbacks_and_chain` (C:celery/app/trace.py): with one callback,
 * `signature(cb).apply_async((retval,), parent_id, root_id, priority)`; with several, every group callback is
 * applied on its own and all the others as ONE new group; then the next chain step, `chain[-1]`, is applied with
 * `(retval,)` and `chain=chain[:-1]` (an empty list for the last step). Resolves with the `children` entries of
 * what was applied, in order.
 */
export async function dispatchCallbacksAndChain(
  sender: TaskSender,
  retval: unknown,
  callbacks: readonly SignatureDict[] | null,
  chain: readonly SignatureDict[] | null,
  target: DispatchTarget,
): Promise<ResultTuple[]> {
  const children: ResultTuple[] = [];
  const base: CanvasOptions = {
    parentId: target.parentId,
    rootId: target.rootId,
    ...(target.priority === null ? {} : { priority: target.priority }),
  };
  const apply = async (sig: Signature, options: CanvasOptions): Promise<void> => {
    const applied = await applyCanvas(sig, sender, { args: [retval], options });
    children.push(toChildTuple(sig, applied.frozen));
  };
  if (callbacks !== null && callbacks.length > 0) {
    const sigs = callbacks.map((cb) => fromSignatureDict(cb));
    if (sigs.length === 1) {
      await apply(sigs[0]!, base);
    } else {
      const groups = sigs.filter((s) => signatureKind(s) === "group");
      const others = sigs.filter((s) => signatureKind(s) !== "group");
      for (const g of groups) await apply(g, base);
      if (others.length > 0) await apply(group(others), base);
    }
  }
  if (chain !== null && chain.length > 0) {
    const next = fromSignatureDict(chain[chain.length - 1]);
    const rest = chain.slice(0, -1).map((s) => fromSignatureDict(s));
    await apply(next, { ...base, chain: rest });
  }
  return children;
}
