import { randomUUID } from "node:crypto";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import type { Signature as SignatureDict } from "../../../sdk/src/gen/json-schema/types.js";
import { callTaskErrbacks } from "./call-task-errbacks.js";
import { failChain } from "./fail-chain.js";
import { prepareFailure } from "./prepare-result.js";
import type { ResultStore } from "./result-store.js";

type Dict = Record<string, unknown>;

/** A chord error and, when it wraps one, the exception it came from (Python's `__cause__`). */
export interface ChordFailure {
  readonly error: unknown;
  readonly cause: ExceptionInfo | null;
}

/**
 * Celery 5.7's `chord_error_from_stack(callback, exc)` (C:celery/backends/base.py): the body's errbacks
 * (`options.link_error`) are published as for a failed task with the body id as the failed id, the body id gets
 * FAILURE with the ChordError, and the body's remaining chain is failed. A group body (`_handle_group_chord_error`)
 * instead fails each member with the original exception after calling its errbacks and the group's, fails the group
 * id, and broadcasts `revoke` for the members.
 */
export async function failChordBody(body: SignatureDict, failure: ChordFailure, store: ResultStore, sender: TaskSender): Promise<void> {
  const sig = body as unknown as Dict;
  const options = asDict(sig["options"]);
  if (sig["subtask_type"] === "group") {
    await failGroupBody(sig, options, failure, store, sender);
    await failChain(asSignatures(options["chain"]), { state: "FAILURE", ...prepareFailure(failure.error), traceback: null, storeResult: true }, store, sender);
    return;
  }
  const callbackId = typeof options["task_id"] === "string" && options["task_id"] !== "" ? options["task_id"] : randomUUID();
  let error = failure.error;
  try {
    await callTaskErrbacks(sender, asSignatures(options["link_error"]), callbackId, callbackId);
  } catch (errbackError) {
    error = errbackError;
  }
  const prepared = prepareFailure(error);
  await store.storeResult({ taskId: callbackId, state: "FAILURE", result: prepared.info, traceback: prepared.traceback, context: null, children: [] });
  await failChain(asSignatures(options["chain"]), { state: "FAILURE", info: prepared.info, traceback: null, storeResult: true }, store, sender);
}

async function failGroupBody(sig: Dict, options: Dict, failure: ChordFailure, store: ResultStore, sender: TaskSender): Promise<void> {
  const original = failure.cause ?? prepareFailure(failure.error).info;
  const groupErrbacks = asSignatures(options["link_error"]) ?? [];
  const members = asSignatures(asDict(sig["kwargs"])["tasks"]) ?? [];
  const ids: string[] = [];
  for (const member of members) {
    const { id, errbacks } = resultErrbacks(member);
    if (id === null) continue;
    ids.push(id);
    const all: SignatureDict[] = [];
    for (const eb of [...errbacks, ...groupErrbacks]) if (!all.some((seen) => JSON.stringify(seen) === JSON.stringify(eb))) all.push(eb);
    try {
      await callTaskErrbacks(sender, all, id, id);
    } catch {
      // Celery goes on with the other members when an errback cannot be published.
    }
    await store.storeResult({ taskId: id, state: "FAILURE", result: original, traceback: formatPythonTraceback(null, original), context: null, children: [] });
  }
  const groupId = options["task_id"];
  if (typeof groupId === "string" && groupId !== "") {
    await store.storeResult({ taskId: groupId, state: "FAILURE", result: original, traceback: null, context: null, children: [] });
  }
  if (ids.length > 0) await sender.broadcast("revoke", { task_id: ids, terminate: false, signal: null });
}

/**
 * `_result_errbacks`: the id of the result a member stands for (a chord's is its body's, a chain's its last step's)
 * and the errbacks linked on the way.
 */
function resultErrbacks(member: SignatureDict): { id: string | null; errbacks: SignatureDict[] } {
  const errbacks: SignatureDict[] = [];
  let sig = member as unknown as Dict;
  for (;;) {
    const options = asDict(sig["options"]);
    const kwargs = asDict(sig["kwargs"]);
    errbacks.push(...(asSignatures(options["link_error"]) ?? []));
    if (sig["subtask_type"] === "chord" && isDict(kwargs["body"])) sig = kwargs["body"];
    else if (sig["subtask_type"] === "chain" && Array.isArray(kwargs["tasks"]) && isDict(kwargs["tasks"].at(-1))) sig = kwargs["tasks"].at(-1) as Dict;
    else break;
  }
  const taskId = asDict(sig["options"])["task_id"];
  return { id: typeof taskId === "string" && taskId !== "" ? taskId : null, errbacks };
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asDict(value: unknown): Dict {
  return isDict(value) ? value : {};
}

/** Celery's `maybe_list`: one signature or a list of them. */
function asSignatures(value: unknown): SignatureDict[] | null {
  if (value === null || value === undefined) return null;
  return (Array.isArray(value) ? value : [value]).filter(isDict) as unknown as SignatureDict[];
}
