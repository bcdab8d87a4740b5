import { applyCanvas } from "../../../sdk/src/canvas/apply-async.js";
import { group } from "../../../sdk/src/canvas/group.js";
import { fromSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { Signature as SignatureDict } from "../../../sdk/src/gen/json-schema/types.js";

/**
 * Celery's `_call_task_errbacks` for errbacks a TypeScript worker can run: all of them are published as ONE group
 * (a new group id, `group_index` per member) with the partial args `(failed_task_id,)` (immutable signatures get
 * none), `parent_id` = the failed task and `root_id` = its root (C:celery/backends/base.py). Celery calls
 * "new-style" errbacks (registered Python tasks taking `(request, exc, traceback)`) inline instead; a TypeScript
 * worker cannot, so those receive the failed id like the others.
 */
export async function callTaskErrbacks(sender: TaskSender, errbacks: readonly SignatureDict[] | null, failedId: string, rootId: string | null): Promise<void> {
  if (errbacks === null || errbacks.length === 0) return;
  const sigs = errbacks.map((eb) => fromSignatureDict(eb));
  await applyCanvas(group(sigs), sender, { args: [failedId], options: { parentId: failedId, rootId: rootId || failedId } });
}
