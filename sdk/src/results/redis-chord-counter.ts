import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { decodeKombuJson, encodeKombuJson } from "../codec/json/kombu-json.js";
import type { ResultTuple } from "../gen/json-schema/types.js";
import { CHORD_CLAIM_EXTEND_SCRIPT, CHORD_CLEANUP_SCRIPT, CHORD_PART_RETURN_SCRIPT, runRedisScript } from "./redis-chord-scripts.js";
import type { CompiledRedisResultBackendOptions } from "./redis-result-backend-options.js";
import type { RedisResultKeys } from "./redis-result-keys.js";
import { READY_STATES } from "./task-states.js";

/** One chord header result, as `on_chord_part_return` is given it. */
export interface ChordPart {
  readonly groupId: string;
  readonly taskId: string;
  /** The part's `group_index`; null scores it `+inf` (after every indexed part). */
  readonly groupIndex: number | null;
  readonly state: string;
  /** The value as the backend encodes it (an exception dict for FAILURE/REVOKED). */
  readonly result: unknown;
}

/**
 * What counting a part decided: `complete` when it was the last part and this caller won the dispatch claim (it then
 * collects the results, extends the claim with `claim`, applies the body and releases the claim).
 */
export type ChordPartReturn = { readonly complete: false } | { readonly complete: true; readonly total: number; readonly claim: string };

/** A counted part read back from `.j`: `[1, id, state, result]`. */
export interface CountedPart {
  readonly taskId: string;
  readonly state: string;
  readonly result: unknown;
}

/** The chord settings of a Redis result backend (Celery's names on `RedisResultBackendOptions`). */
export type RedisChordSettings = Pick<
  CompiledRedisResultBackendOptions,
  "chordOrdered" | "chordExpiresSeconds" | "chordResultExpiresSeconds" | "chordJoinTimeoutSeconds" | "chordPublishClaimSeconds"
>;

/**
 * The Redis side of Celery 5.7's chord counter (C:celery/backends/redis.py `on_chord_part_return`), on the backend's
 * command connection: same keys (`.j .t .s .d .c` of the group key), same scripts, same values, so Python workers and
 * ours can return parts of the same chord. What to do with a complete chord (apply or fail its body) is the worker's.
 */
export class RedisChordCounter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisResultKeys,
    readonly settings: RedisChordSettings,
  ) {}

  /** Counts the part with the chord-part-return script (duplicates and parts after `done` are not counted). */
  async returnPart(part: ChordPart): Promise<ChordPartReturn> {
    const { groupId, taskId } = part;
    const score = part.groupIndex === null ? "+inf" : String(part.groupIndex);
    const claim = randomUUID().replace(/-/g, "");
    const keys = [".j", ".t", ".s", ".d", "", ".c"].map((suffix) => this.keys.group(groupId, suffix));
    const reply = (await runRedisScript(this.redis, CHORD_PART_RETURN_SCRIPT, keys, [
      taskId,
      encodeKombuJson([1, taskId, part.state, part.result]),
      this.settings.chordOrdered ? 1 : 0,
      score,
      this.settings.chordExpiresSeconds,
      this.settings.chordResultExpiresSeconds,
      this.claimSeconds(),
      claim,
    ])) as [number, string | null, string | null, number];
    const [readycount, totaldiff, size, claimed] = reply;
    if (readycount === -1 || size === null || size === "") return { complete: false };
    const total = Number(size) + Number(totaldiff ?? 0);
    return readycount === total && claimed === 1 ? { complete: true, total, claim } : { complete: false };
  }

  /** The counted parts: `ZRANGE .j 0 -1` in group_index order (or `LRANGE .j 0 total` when unordered). */
  async readParts(groupId: string, total: number): Promise<CountedPart[]> {
    const jkey = this.keys.group(groupId, ".j");
    const members = this.settings.chordOrdered ? await this.redis.zrange(jkey, 0, "-1") : await this.redis.lrange(jkey, 0, total);
    return members.map((text) => {
      const [, taskId, state, result] = decodeKombuJson(text) as [number, string, string, unknown];
      return { taskId, state, result };
    });
  }

  /** The saved header (`celery-taskset-meta-<gid>`, written when a header member is a group), or null. */
  async readSavedHeader(groupId: string): Promise<ResultTuple | null> {
    const saved = await this.redis.get(this.keys.group(groupId));
    if (saved === null || saved === "") return null;
    const tuple = (decodeKombuJson(saved) as { result?: ResultTuple }).result;
    return Array.isArray(tuple) ? tuple : null;
  }

  /** The metas of those of `taskIds` that are in a ready state (one MGET). */
  async readReadyMetas(taskIds: readonly string[]): Promise<Map<string, { readonly status: string; readonly result: unknown }>> {
    const ready = new Map<string, { status: string; result: unknown }>();
    if (taskIds.length === 0) return ready;
    const texts = await this.redis.mget(taskIds.map((id) => this.keys.task(id)));
    taskIds.forEach((id, i) => {
      const text = texts[i];
      if (text === null || text === undefined) return;
      const meta = decodeKombuJson(text) as { status: string; result: unknown };
      if (READY_STATES.has(meta.status)) ready.set(id, meta);
    });
    return ready;
  }

  /** Extends the dispatch claim to `chordPublishClaimSeconds` before the body is published; false when it was lost. */
  async extendClaim(groupId: string, claim: string): Promise<boolean> {
    const keys = [this.keys.group(groupId, ".c"), this.keys.group(groupId, ".s")];
    return Boolean(await runRedisScript(this.redis, CHORD_CLAIM_EXTEND_SCRIPT, keys, [claim, this.settings.chordPublishClaimSeconds]));
  }

  /** Deletes the chord data and leaves a `done` marker while `claim` still owns it; false when it was lost. */
  async release(groupId: string, claim: string): Promise<boolean> {
    const keys = [".c", ".j", ".t", ".s", ".d"].map((suffix) => this.keys.group(groupId, suffix));
    const doneExpires = Math.trunc(Math.max(this.claimSeconds() * 2, 300));
    return Boolean(await runRedisScript(this.redis, CHORD_CLEANUP_SCRIPT, keys, [claim, doneExpires]));
  }

  /** Deletes the size key `.s` after a failed chord: a copy of a header task arriving later must not fail it again. */
  async discardSize(groupId: string): Promise<void> {
    await this.redis.del(this.keys.group(groupId, ".s"));
  }

  /** The dispatch claim's expiry: `max(5, 2 × result_chord_join_timeout)` (5 s when the timeout is 0). */
  private claimSeconds(): number {
    return Math.max(5, Math.trunc((this.settings.chordJoinTimeoutSeconds || 5) * 2));
  }
}
