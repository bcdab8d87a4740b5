import { frozenResultTuple, type FrozenResult } from "../../../sdk/src/canvas/frozen-result.js";
import type { Signature } from "../../../sdk/src/canvas/signature.js";
import { signatureKind } from "../../../sdk/src/canvas/signature-kind.js";
import type { ResultTuple } from "../../../sdk/src/gen/json-schema/types.js";

/**
 * The entry Celery's `add_trail` puts into the running task's `children` when it applies `sig`: the `send_task`
 * result of a task (no parent), the `GroupResult` of a group (and of chunks, and of a chord's header), and for a
 * chain the result of its first published step.
 */
export function toChildTuple(sig: Signature, applied: FrozenResult): ResultTuple {
  const kind = signatureKind(sig);
  let node: FrozenResult = applied;
  if (kind === "chord" && applied.parent !== null) node = applied.parent;
  else if (kind === "chain") while (node.parent !== null) node = node.parent;
  return frozenResultTuple({ ...node, parent: null });
}
