import { cloneMutable } from "./clone-signature.js";
import { makeChord } from "./construct-signature.js";
import type { FreezeContext } from "./freeze-context.js";
import { freezeMutable } from "./freeze-signature.js";
import type { FrozenResult } from "./frozen-result.js";
import { linkErrorMutable } from "./link-signature.js";
import { bodyOf, isChainLedByTask, isEmptyGroup, kindOf, maybeList, maybeUnrollGroup, tasksOf, type MutableSignature } from "./mutable-signature.js";
import { stripChordHeaderLinks, unrollChordBody } from "./unroll-chord-body.js";

export interface PrepareChainParams {
  readonly rootId?: string | null | undefined;
  readonly parentId?: string | null | undefined;
  /** The chain's errbacks: linked to every step (and to the body of a chord step). */
  readonly linkError?: MutableSignature | MutableSignature[] | null | undefined;
  /** The id of the last step (`chain.apply_async(task_id=...)`). */
  readonly lastTaskId?: string | undefined;
  /** Group id / chord body / index the last step carries when the chain is a group or chord member. */
  readonly groupId?: string | null | undefined;
  readonly chordBody?: MutableSignature | null | undefined;
  readonly groupIndex?: number | null | undefined;
  /** Clone each step before freezing (applying) or freeze the chain's own steps in place (`freeze()`). */
  readonly clone: boolean;
}

export interface PreparedSteps {
  /** The frozen steps in REVERSE order: `tasks[0]` is the last step, the first step is last. */
  readonly tasks: MutableSignature[];
  /** Their results, same order (`results[0]` is the chain's result, parents leading back to the first step). */
  readonly results: FrozenResult[];
}

/**
 * Celery's `_chain.prepare_steps` (protocol 2, 5.7): nested chains are spliced, a group followed by a task becomes
 * a chord, a chord whose body is a task-led chain is split into the chain, every step is cloned (or not) and frozen
 * from the last to the first with the chain's root id; the first step gets the partial args; the last step gets the
 * chain's task id, group id, chord and index; errbacks go to every step. Sets the chain's `task_id` to the last id.
 */
export function prepareChainSteps(
  ctx: FreezeContext,
  chain: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  params: PrepareChainParams,
): PreparedSteps {
  const steps = [...tasksOf(chain)];

  // The first real task (the one that receives the partial args) must be the last one popped: splice leading
  // chains and strip leading empty groups (keeping one if nothing else is left).
  let strippedGroup: MutableSignature | null = null;
  while (steps.length > 0) {
    let head = steps[0] as MutableSignature;
    const kind = kindOf(head);
    if (kind === "chain") {
      steps.shift();
      if (params.clone) head = cloneMutable(head);
      steps.unshift(...tasksOf(head));
      continue;
    }
    if (kind === "group") {
      head = steps[0] = maybeUnrollGroup(head);
      if (steps.length > 1 && kindOf(head) === "group" && tasksOf(head).length === 0) {
        strippedGroup = steps.shift() as MutableSignature;
        continue;
      }
    }
    break;
  }
  if (strippedGroup !== null && steps.length === 0) steps.push(strippedGroup);

  let prevTask: MutableSignature | null = null;
  let prevRes: FrozenResult | null = null;
  const tasks: MutableSignature[] = [];
  const results: FrozenResult[] = [];
  let i = 0;
  while (steps.length > 0) {
    let task = steps.pop() as MutableSignature;
    const isFirstTask = steps.length === 0;
    const isLastTask = i === 0;

    if (kindOf(task) === "group") {
      task = maybeUnrollGroup(task);
      if (isEmptyGroup(task) && (steps.length > 0 || prevTask !== null)) continue;
    }
    if (params.clone && kindOf(task) === "chord" && isChainLedByTask(bodyOf(task))) {
      steps.push(...unrollChordBody(task));
      continue;
    }
    if (params.clone) task = isFirstTask ? cloneMutable(task, args, kwargs) : cloneMutable(task);
    else if (isFirstTask) task.args = [...args, ...task.args];

    if (kindOf(task) === "chain") {
      steps.push(...tasksOf(task));
      continue;
    }

    if (kindOf(task) === "group" && prevTask !== null) {
      // group(...) | s  →  chord(group, s)
      tasks.pop();
      const bodyRes = results.pop() ?? null;
      const chordOptions: Record<string, unknown> = {};
      if (prevRes !== null && prevRes.type === "task") chordOptions["task_id"] = prevRes.id;
      chordOptions["root_id"] = params.rootId ?? null;
      task = makeChord(task, prevTask, { options: chordOptions });
      prevTask = tasks[tasks.length - 1] ?? null;
      // The rest of the chain is linked to the chord's result, not to the body's (which the chord owns).
      let node: FrozenResult | null = results[results.length - 1] ?? null;
      while (node !== null && node.parent !== bodyRes) node = node.parent;
      if (node !== null) {
        node.parent = null;
        prevRes = node;
      }
    }

    const res = isLastTask
      ? freezeMutable(ctx, task, {
          id: params.lastTaskId,
          rootId: params.rootId,
          groupId: params.groupId,
          chord: params.chordBody,
          groupIndex: params.groupIndex,
        })
      : freezeMutable(ctx, task, { rootId: params.rootId });
    if (res === null) continue;
    i += 1;

    if (prevTask !== null && prevRes !== null && prevRes.parent === null) prevRes.parent = res;

    for (const errback of maybeList(params.linkError) ?? []) {
      linkErrorMutable(task, errback, false);
      // Propagated to the chord body for chord_error_from_stack.
      const body = kindOf(task) === "chord" ? bodyOf(task) : null;
      if (body !== null) linkErrorMutable(body, errback, false);
    }

    tasks.push(task);
    results.push(res);
    prevTask = task;
    prevRes = res;
    if (kindOf(task) === "chord") {
      let node: FrozenResult = res;
      while (node.parent !== null) node = node.parent;
      prevRes = node;
    }
  }
  chain.options["task_id"] = results[0]?.id ?? params.lastTaskId ?? null;
  if (params.clone) for (const task of tasks) stripChordHeaderLinks(task);
  return { tasks, results };
}
