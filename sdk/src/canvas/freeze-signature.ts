import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { createFreezeContext, type FreezeContext } from "./freeze-context.js";
import { freezeChordMutable } from "./freeze-chord.js";
import { freezeGroupMutable } from "./freeze-group.js";
import { frozenTask, type FrozenResult } from "./frozen-result.js";
import { kindOf, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import { prepareChainSteps } from "./prepare-chain-steps.js";
import type { Signature } from "./signature.js";

export interface FreezeOptions {
  /** The task id to use when the signature has none (default: a new uuid4). A chain gives it to its last step. */
  readonly id?: string;
  /** Group id, set only when the signature has none. */
  readonly groupId?: string;
  /** Chord body (a header member's `options.chord`). */
  readonly chord?: Signature;
  readonly rootId?: string;
  readonly parentId?: string;
  readonly groupIndex?: number;
  /** `options.reply_to` when the signature has none (Celery: the app's oid). Default: left unset. */
  readonly replyTo?: string;
}

export interface FrozenSignature {
  /** The signature with ids assigned everywhere (options `task_id`, `reply_to`, group ids...). */
  readonly signature: Signature;
  /** The result it will produce: for a chain the last step (with parents), for a group its GroupResult. */
  readonly result: FrozenResult;
}

/**
 * Assigns ids without sending anything (Celery's `sig.freeze()`): a task gets `task_id` (kept if present),
 * `reply_to`, and the given group/root/parent ids; chains, groups and chords freeze every member the way applying
 * them would.
 */
export function freeze(sig: Signature, options: FreezeOptions = {}): FrozenSignature {
  const copy = toMutable(sig);
  const ctx = createFreezeContext(options.replyTo);
  const result = freezeMutable(ctx, copy, {
    id: options.id,
    groupId: options.groupId,
    chord: options.chord === undefined ? undefined : toMutable(options.chord),
    rootId: options.rootId,
    parentId: options.parentId,
    groupIndex: options.groupIndex,
  });
  if (result === null) throw new CeleryProtoError("InvalidOption", "freeze: the chord has no body, so it has no result to freeze");
  return { signature: toValue(copy), result };
}

/** Internal freeze parameters (Celery's `freeze(_id, group_id, chord, root_id, parent_id, group_index)`). */
export interface FreezeParams {
  readonly id?: string | undefined;
  readonly groupId?: string | null | undefined;
  readonly chord?: MutableSignature | null | undefined;
  readonly rootId?: string | null | undefined;
  readonly parentId?: string | null | undefined;
  readonly groupIndex?: number | null | undefined;
}

/** Internal: freezes in place, dispatching on the kind (chunks/map/starmap freeze like a task). Null for a chord without body. */
export function freezeMutable(ctx: FreezeContext, sig: MutableSignature, params: FreezeParams = {}): FrozenResult | null {
  switch (kindOf(sig)) {
    case "chain": {
      const { results } = prepareChainSteps(ctx, sig, sig.args, sig.kwargs, {
        rootId: params.rootId,
        parentId: params.parentId,
        lastTaskId: params.id,
        groupId: params.groupId,
        chordBody: params.chord,
        clone: false,
        groupIndex: params.groupIndex,
      });
      const last = results[0];
      if (last === undefined) throw new CeleryProtoError("InvalidOption", "freeze: the chain has no tasks");
      return last;
    }
    case "group":
      return freezeGroupMutable(ctx, sig, params).result;
    case "chord":
      return freezeChordMutable(ctx, sig, params);
    default:
      return freezeTaskMutable(ctx, sig, params);
  }
}

/** Celery's `Signature.freeze` (tasks, and chunks/map/starmap, which do not override it). */
export function freezeTaskMutable(ctx: FreezeContext, sig: MutableSignature, params: FreezeParams): FrozenResult {
  const opts = sig.options;
  let id = opts["task_id"];
  if (!("task_id" in opts) || id === null || id === undefined) {
    id = opts["task_id"] = params.id || ctx.newId();
  }
  if (params.rootId) opts["root_id"] = params.rootId;
  if (params.parentId) opts["parent_id"] = params.parentId;
  if (!("reply_to" in opts) && ctx.replyTo !== undefined) opts["reply_to"] = ctx.replyTo;
  if (params.groupId && !("group_id" in opts)) opts["group_id"] = params.groupId;
  if (params.chord) opts["chord"] = params.chord;
  if (params.groupIndex !== null && params.groupIndex !== undefined) opts["group_index"] = params.groupIndex;
  return frozenTask(String(id));
}
