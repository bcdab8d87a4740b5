import { applyCanvas } from "../../../sdk/src/canvas/apply-async.js";
import { fromSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import type { CountedPart, RedisChordCounter } from "../../../sdk/src/results/redis-chord-counter.js";
import { PROPAGATE_STATES } from "../../../sdk/src/results/task-states.js";
import { ChordError } from "../errors/task-control-errors.js";
import { failChordBody } from "./fail-chord-body.js";
import { formatExceptionRepr } from "./format-exception-repr.js";
import { joinSavedGroup } from "./join-saved-group.js";
import type { ResultContext } from "./result-context.js";
import type { ResultStore } from "./result-store.js";

export interface RedisChordDeps {
  /** The result backend's chord counter (its connection, keys and chord settings). */
  readonly chords: RedisChordCounter;
  /** The store itself: chord errors store FAILURE through it. */
  readonly store: ResultStore;
  /** What Celery logs as warnings (a lost dispatch claim). */
  readonly onWarning: (message: string) => void;
}

/** A failed chord part found while collecting results: the ChordError and the part's exception. */
class DependencyFailed extends Error {
  constructor(
    readonly chordError: ChordError,
    readonly dependency: ExceptionInfo,
  ) {
    super(chordError.message);
  }
}

/**
 * Celery 5.7's `RedisBackend.on_chord_part_return` (C:celery/backends/redis.py): the part is recorded by the
 * chord-part-return script; the part that completes the chord and wins the dispatch claim collects the results in
 * group_index order (or joins the saved header), extends the claim, applies the body with `(results,)`, and cleans
 * up (leaving a `done` marker). A failed or revoked part makes it a `ChordError("Dependency <id> raised <repr>")`:
 * the body's errbacks run and the body is marked failed (`chord_error_from_stack`), and the size key is deleted.
 */
export async function returnRedisChordPart(deps: RedisChordDeps, context: ResultContext, state: string, result: unknown, sender: TaskSender): Promise<void> {
  const { chords } = deps;
  const tid = context.id;
  const gid = context.groupId;
  if (!gid || !tid) return;
  const counted = await chords.returnPart({ groupId: gid, taskId: tid, groupIndex: context.groupIndex, state, result });
  if (!counted.complete || context.chord === null) return;
  const body = context.chord;
  try {
    const joined = await joinSavedGroup(chords, gid, chords.settings.chordJoinTimeoutSeconds);
    const results = joined ?? toResults(await chords.readParts(gid, counted.total));
    if (!(await chords.extendClaim(gid, counted.claim))) {
      deps.onWarning(`Chord callback for ${gid} not published: dispatch claim is no longer owned by this worker`);
      return;
    }
    try {
      await applyCanvas(fromSignatureDict(body), sender, { args: [results] });
    } catch (publishError) {
      const info = errorToExceptionInfo(publishError);
      await failChordBody(body, { error: new ChordError(`Callback error: ${formatExceptionRepr(info)}`), cause: null }, deps.store, sender);
    } finally {
      if (!(await chords.release(gid, counted.claim)))
        deps.onWarning(`Chord callback claim for ${gid} was lost before cleanup; chord data was left for expiry`);
    }
  } catch (error) {
    try {
      if (error instanceof DependencyFailed) {
        await failChordBody(body, { error: error.chordError, cause: error.dependency }, deps.store, sender);
      } else {
        const info = errorToExceptionInfo(error);
        // Only a failed dependency carries its exception as the ChordError's cause (what a group body is failed with).
        await failChordBody(body, { error: new ChordError(`Join error: ${formatExceptionRepr(info)}`), cause: null }, deps.store, sender);
      }
    } finally {
      // A copy of a header task arriving later must not fail the chord again; the collected results stay.
      await chords.discardSize(gid);
    }
  }
}

/** The counted parts' values in order; a FAILURE/REVOKED part raises the ChordError. */
function toResults(parts: readonly CountedPart[]): unknown[] {
  return parts.map(({ taskId, state, result }) => {
    if (PROPAGATE_STATES.has(state)) {
      const dependency = result as ExceptionInfo;
      throw new DependencyFailed(new ChordError(`Dependency ${taskId} raised ${formatExceptionRepr(dependency)}`), dependency);
    }
    return result;
  });
}
