import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { applyCanvas } from "../../../sdk/src/canvas/apply-async.js";
import { fromSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import { decodeKombuJson, encodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import type { RedisResultKeys } from "../../../sdk/src/results/redis-result-keys.js";
import { PROPAGATE_STATES } from "../../../sdk/src/results/task-states.js";
import { ChordError } from "../errors/task-control-errors.js";
import { failChordBody } from "./fail-chord-body.js";
import { formatExceptionRepr } from "./format-exception-repr.js";
import { joinSavedGroup } from "./join-saved-group.js";
import { CHORD_CLAIM_EXTEND_SCRIPT, CHORD_CLEANUP_SCRIPT, CHORD_PART_RETURN_SCRIPT, runRedisScript } from "./redis-chord-scripts.js";
import type { ResultContext } from "./result-context.js";
import type { ResultStore } from "./result-store.js";

/** The chord settings of a Redis result store (Celery's names in the docs of `RedisResultStoreOptions`). */
export interface RedisChordSettings {
  readonly chordOrdered: boolean;
  readonly chordExpiresSeconds: number;
  readonly chordResultExpiresSeconds: number;
  readonly chordJoinTimeoutSeconds: number;
  readonly chordPublishClaimSeconds: number;
  readonly onWarning: (message: string) => void;
}

export interface RedisChordDeps {
  readonly redis: Redis;
  readonly keys: RedisResultKeys;
  readonly settings: RedisChordSettings;
  /** The store itself: chord errors store FAILURE through it. */
  readonly store: ResultStore;
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
  const { redis, keys, settings } = deps;
  const tid = context.id;
  const gid = context.groupId;
  if (!gid || !tid) return;
  const score = context.groupIndex === null ? "+inf" : String(context.groupIndex);
  const [jkey, tkey, skey, dkey, gkey, ckey] = [
    keys.group(gid, ".j"),
    keys.group(gid, ".t"),
    keys.group(gid, ".s"),
    keys.group(gid, ".d"),
    keys.group(gid),
    keys.group(gid, ".c"),
  ];
  const claimExpires = Math.max(5, Math.trunc((settings.chordJoinTimeoutSeconds || 5) * 2));
  const token = randomUUID().replace(/-/g, "");
  const doneExpires = Math.trunc(Math.max(claimExpires * 2, 300));
  const reply = (await runRedisScript(
    redis,
    CHORD_PART_RETURN_SCRIPT,
    [jkey, tkey, skey, dkey, gkey, ckey],
    [
      tid,
      encodeKombuJson([1, tid, state, result]),
      settings.chordOrdered ? 1 : 0,
      score,
      settings.chordExpiresSeconds,
      settings.chordResultExpiresSeconds,
      claimExpires,
      token,
    ],
  )) as [number, string | null, string | null, number];
  const [readycount, totaldiff, size, claimed] = reply;
  if (readycount === -1 || size === null || size === "" || context.chord === null) return;
  const total = Number(size) + Number(totaldiff ?? 0);
  if (readycount !== total || claimed !== 1) return;
  const body = context.chord;
  try {
    const joined = await joinSavedGroup(redis, keys, gid, settings.chordJoinTimeoutSeconds);
    const results = joined ?? (await collectParts(redis, jkey, settings.chordOrdered, total));
    const extended = await runRedisScript(redis, CHORD_CLAIM_EXTEND_SCRIPT, [ckey, skey], [token, settings.chordPublishClaimSeconds]);
    if (!extended) {
      settings.onWarning(`Chord callback for ${gid} not published: dispatch claim is no longer owned by this worker`);
      return;
    }
    try {
      await applyCanvas(fromSignatureDict(body), sender, { args: [results] });
    } catch (publishError) {
      const info = errorToExceptionInfo(publishError);
      await failChordBody(body, { error: new ChordError(`Callback error: ${formatExceptionRepr(info)}`), cause: null }, deps.store, sender);
    } finally {
      const cleaned = await runRedisScript(redis, CHORD_CLEANUP_SCRIPT, [ckey, jkey, tkey, skey, dkey], [token, doneExpires]);
      if (!cleaned) settings.onWarning(`Chord callback claim for ${gid} was lost before cleanup; chord data was left for expiry`);
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
      await redis.del(skey);
    }
  }
}

/** `ZRANGE .j 0 -1` (or `LRANGE .j 0 total`), each member decoded; a FAILURE/REVOKED part raises the ChordError. */
async function collectParts(redis: Redis, jkey: string, ordered: boolean, total: number): Promise<unknown[]> {
  const members = ordered ? await redis.zrange(jkey, 0, "-1") : await redis.lrange(jkey, 0, total);
  return members.map((text) => {
    const [, tid, state, value] = decodeKombuJson(text) as [number, string, string, unknown];
    if (PROPAGATE_STATES.has(state)) {
      const dependency = value as ExceptionInfo;
      throw new DependencyFailed(new ChordError(`Dependency ${tid} raised ${formatExceptionRepr(dependency)}`), dependency);
    }
    return value;
  });
}
