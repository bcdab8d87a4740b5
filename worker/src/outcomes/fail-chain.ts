import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import type { Signature as SignatureDict } from "../../../sdk/src/gen/json-schema/types.js";
import { PROPAGATE_STATES } from "../../../sdk/src/results/task-states.js";
import { createChainElementContext } from "./result-context.js";
import type { ResultStore } from "./result-store.js";

export interface ChainFailure {
  readonly state: string;
  readonly info: ExceptionInfo;
  readonly traceback: string | null;
  /** Whether errors are stored at all (`store_result` of `mark_as_failure`). */
  readonly storeResult: boolean;
}

/**
 * Celery 5.7's `_fail_chain` (C:celery/backends/base.py): every remaining chain element (wire order) with an
 * `options.task_id` gets the same FAILURE, so waiting on the chain's last result sees it; an element that is a
 * chord member (`"chord" in options`) also returns its chord part, unless its stored state already propagates
 * (it returned its part before); an element that is a chord is followed into its body, whose result is the one
 * later steps wait on.
 */
export async function failChain(chain: readonly SignatureDict[] | null, failure: ChainFailure, store: ResultStore, sender: TaskSender): Promise<void> {
  const pending: SignatureDict[] = [...(chain ?? [])];
  while (pending.length > 0) {
    const element = pending.shift()!;
    const options = element.options ?? {};
    const taskId = typeof options["task_id"] === "string" && options["task_id"] !== "" ? (options["task_id"] as string) : null;
    const chordMember = "chord" in options;
    const alreadyFailed = chordMember && taskId !== null && PROPAGATE_STATES.has(await store.getStatus(taskId));
    if (failure.storeResult && PROPAGATE_STATES.has(failure.state) && taskId !== null) {
      await store.storeResult({
        taskId,
        state: failure.state,
        result: failure.info,
        traceback: failure.traceback,
        context: createChainElementContext(element, taskId),
        children: [],
      });
    }
    if (chordMember && !alreadyFailed && taskId !== null) {
      await store.onChordPartReturn(createChainElementContext(element, taskId), failure.state, failure.info, sender);
    }
    if (element.subtask_type === "chord") {
      const body = (element.kwargs ?? {})["body"];
      if (body !== null && typeof body === "object" && !Array.isArray(body)) pending.push(body as SignatureDict);
    }
  }
}
