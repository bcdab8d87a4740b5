import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { cloneMutable } from "./clone-signature.js";
import type { ApplyContext } from "./apply-context.js";
import { applyMutable } from "./apply-signature.js";
import { descend } from "./count-chord-size.js";
import { freezeMutable } from "./freeze-signature.js";
import { freezeGroupMutable } from "./freeze-group.js";
import { frozenGroup, type FrozenResult } from "./frozen-result.js";
import { IMMUTABLE_OPTIONS } from "./merge-signature.js";
import { kindOf, tasksOf, type MutableSignature } from "./mutable-signature.js";

interface PreparedMember {
  readonly sig: MutableSignature;
  readonly result: FrozenResult | null;
  readonly groupId: string;
}

/**
 * Celery's `group.apply_async`: the group id is the `task_id` option (or a new uuid); nested groups are flattened;
 * every member is cloned, frozen with `group_id`, `group_index` (its index within its own group, as Celery's
 * `_prepared` enumerates each level) and the root id, then published with the partial args and the group's options.
 * Before the last member of a chord header is published, the chord size goes to the backend.
 */
export async function applyGroupMutable(
  ctx: ApplyContext,
  group: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  callOptions: Readonly<Record<string, unknown>>,
): Promise<FrozenResult> {
  const { link, link_error: linkError, add_to_parent: _addToParent, producer: _producer, ...options } = callOptions;
  if (link !== null && link !== undefined) throw new CeleryProtoError("InvalidOption", "link: cannot add a link to a group when applying it; use a chord");
  if (linkError !== null && linkError !== undefined) {
    throw new CeleryProtoError(
      "InvalidOption",
      "linkError: cannot add an error link to a group when applying it; link it to the individual tasks (linkError(group, ...))",
    );
  }
  if (tasksOf(group).length === 0) return freezeGroupMutable(ctx, group, {}).result;

  // `_freeze_gid`
  const opts: Record<string, unknown> = { ...group.options };
  for (const [k, v] of Object.entries(options)) if (!IMMUTABLE_OPTIONS.has(k) || !(k in group.options)) opts[k] = v;
  const taskId = opts["task_id"];
  const groupId = taskId === null || taskId === undefined ? ctx.newId() : String(taskId);
  delete opts["task_id"];
  opts["group_id"] = groupId;
  const rootId = (opts["root_id"] ?? null) as string | null;

  const members = prepareMembers(ctx, tasksOf(group), groupId, rootId);
  const results = await applyMembers(ctx, members, args, kwargs, opts);
  const only = results[0];
  if (results.length === 1 && only !== undefined && only.type === "group") return only;
  return frozenGroup(groupId, results);
}

/** `group._prepared`: clones, flattens nested groups (each level numbered from 0), drops empty chains, freezes. */
function prepareMembers(ctx: ApplyContext, tasks: readonly MutableSignature[], groupId: string, rootId: string | null): PreparedMember[] {
  const out: PreparedMember[] = [];
  tasks.forEach((original, index) => {
    const task = cloneMutable(original);
    const kind = kindOf(task);
    if (kind === "group") {
      out.push(...prepareMembers(ctx, tasksOf(task), groupId, rootId));
      return;
    }
    if (kind === "chain" && tasksOf(task).length === 0) return;
    const result = freezeMutable(ctx, task, { groupId, rootId, groupIndex: index });
    out.push({ sig: task, result, groupId });
  });
  return out;
}

/**
 * `group._apply_tasks`: `chord` and `group_index` are taken out of the options; each member is applied with
 * `add_to_parent=False` and its chord (the given one or its own `options.chord`); the accumulated chord size is set
 * before the last member when it belongs to a chord.
 */
async function applyMembers(
  ctx: ApplyContext,
  members: readonly PreparedMember[],
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): Promise<FrozenResult[]> {
  const { chord, group_index: _groupIndex, add_to_parent: _addToParent, producer: _producer, ...rest } = options;
  let chordSize = 0;
  const results: FrozenResult[] = [];
  for (const [i, member] of members.entries()) {
    const chordObj = chord !== null && chord !== undefined ? chord : (member.sig.options["chord"] ?? null);
    chordSize += descend(member.sig);
    if (chordObj !== null && i === members.length - 1) await ctx.sender.backend.setChordSize(member.groupId, chordSize);
    await applyMutable(ctx, member.sig, args, kwargs, { add_to_parent: false, chord: chordObj, ...rest });
    if (member.result !== null) results.push(member.result);
  }
  return results;
}
