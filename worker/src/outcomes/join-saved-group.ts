import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import type { ResultTuple } from "../../../sdk/src/gen/json-schema/types.js";
import type { RedisChordCounter } from "../../../sdk/src/results/redis-chord-counter.js";
import { resultNodeId } from "../../../sdk/src/results/result-tuple.js";
import { PROPAGATE_STATES } from "../../../sdk/src/results/task-states.js";

/** An exception read back from a stored result, raised again (Celery's `exception_to_python` + `raise`). */
export class StoredException extends Error {
  readonly excType: string;
  readonly excModule: string | null;
  readonly excArgs: readonly unknown[];
  constructor(readonly info: ExceptionInfo) {
    const args = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
    super(args.map(String).join(", "));
    this.name = info.exc_type;
    this.excType = info.exc_type;
    this.excModule = info.exc_module;
    this.excArgs = args;
  }
}

/**
 * The saved chord header (`celery-taskset-meta-<gid>`, written by `apply_chord` when a header member is a group),
 * joined as Celery's `GroupResult.join_native(timeout=result_chord_join_timeout, propagate=True)` does: member
 * results in header order, a nested group as the list of its members' results; a FAILURE/REVOKED member raises its
 * exception; not ready within the timeout raises Celery's `TimeoutError`. Null when nothing was saved.
 */
export async function joinSavedGroup(chords: RedisChordCounter, groupId: string, timeoutSeconds: number): Promise<unknown[] | null> {
  const tuple = await chords.readSavedHeader(groupId);
  if (tuple === null) return null;
  const ids: string[] = [];
  collectTaskIds(tuple, ids);
  const metas = new Map<string, { readonly status: string; readonly result: unknown }>();
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    for (const [id, meta] of await chords.readReadyMetas(ids.filter((id) => !metas.has(id)))) metas.set(id, meta);
    if (metas.size === ids.length) break;
    if (Date.now() > deadline)
      throw new StoredException({ exc_type: "TimeoutError", exc_message: ["The operation timed out."], exc_module: "celery.exceptions" });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const members = tuple[1] ?? [];
  return members.map((member) => memberValue(member, metas));
}

function collectTaskIds(tuple: ResultTuple, out: string[]): void {
  const members = tuple[1];
  if (members === null) out.push(resultNodeId(tuple[0]));
  else for (const member of members) collectTaskIds(member, out);
}

function memberValue(tuple: ResultTuple, metas: ReadonlyMap<string, { readonly status: string; readonly result: unknown }>): unknown {
  const members = tuple[1];
  if (members !== null) return members.map((member) => memberValue(member, metas));
  const meta = metas.get(resultNodeId(tuple[0]))!;
  if (PROPAGATE_STATES.has(meta.status)) throw new StoredException(meta.result as ExceptionInfo);
  return meta.result;
}
