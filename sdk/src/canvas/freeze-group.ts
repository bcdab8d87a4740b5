import { cloneMutable } from "./clone-signature.js";
import type { FreezeContext } from "./freeze-context.js";
import { freezeMutable, type FreezeParams } from "./freeze-signature.js";
import { frozenGroup, type FrozenGroupResult, type FrozenResult } from "./frozen-result.js";
import { kindOf, setDefault, tasksOf, type MutableSignature } from "./mutable-signature.js";

export interface FrozenGroupParts {
  readonly groupId: string;
  readonly results: FrozenResult[];
  readonly result: FrozenGroupResult;
}

/**
 * Celery's `group._freeze_group_tasks`: the group's own `task_id` is its id (the `id` parameter is not used); nested
 * groups are flattened, in Celery's order (a nested group's members come out reversed, from `deque.extendleft`);
 * every member is cloned and frozen with the given `group_id` (not the group's own id), `chord`, root/parent ids and
 * a running `group_index`. The member list is replaced in place.
 */
export function freezeGroupMutable(ctx: FreezeContext, sig: MutableSignature, params: FreezeParams): FrozenGroupParts {
  const opts = sig.options;
  if (!("task_id" in opts) || opts["task_id"] === null || opts["task_id"] === undefined) opts["task_id"] = ctx.newId();
  const groupId = String(opts["task_id"]);
  if (params.groupId) opts["group_id"] = params.groupId;
  if (params.chord) opts["chord"] = params.chord;
  if (params.groupIndex !== null && params.groupIndex !== undefined) opts["group_index"] = params.groupIndex;
  const rootId = setDefault(opts, "root_id", params.rootId ?? null) as string | null;
  const parentId = setDefault(opts, "parent_id", params.parentId ?? null) as string | null;

  const members = tasksOf(sig);
  const stack = [...members];
  const flattened: MutableSignature[] = [];
  const results: FrozenResult[] = [];
  let groupIndex = 0;
  while (stack.length > 0) {
    const task = cloneMutable(stack.shift() as MutableSignature);
    const kind = kindOf(task);
    if (kind === "group") {
      for (const member of tasksOf(task)) stack.unshift(member);
      continue;
    }
    if (kind === "chain" && tasksOf(task).length === 0) continue;
    flattened.push(task);
    const result = freezeMutable(ctx, task, { groupId: params.groupId, chord: params.chord, rootId, parentId, groupIndex });
    groupIndex += 1;
    if (result !== null) results.push(result);
  }
  members.splice(0, members.length, ...flattened);
  return { groupId, results, result: frozenGroup(groupId, results) };
}
