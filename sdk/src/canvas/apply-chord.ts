import type { ApplyContext } from "./apply-context.js";
import { applyGroupMutable } from "./apply-group.js";
import { applyMutable } from "./apply-signature.js";
import { cloneMutable } from "./clone-signature.js";
import { makeGroup } from "./construct-signature.js";
import { freezeGroupMutable } from "./freeze-group.js";
import { freezeMutable } from "./freeze-signature.js";
import { frozenResultTuple, type FrozenResult } from "./frozen-result.js";
import { linkErrorMutable, linkMutable } from "./link-signature.js";
import { appendToListOption } from "./list-option.js";
import { bodyOf, headerOf, isPlainObject, kindOf, maybeList, setBody, tasksOf, type MutableSignature } from "./mutable-signature.js";
import { stripChordHeaderLinks, unrollChainChords } from "./unroll-chord-body.js";

/**
 * Celery 5.7's `_chord.apply_async`: `countdown`/`eta` delay the header (not the body), `link`/`link_error` go to the
 * body, the body is cloned with the remaining options (except `parent_id`), the header becomes a group whose id is
 * the chord's `task_id` option or a new one, and the chord runs.
 */
export async function applyChordMutable(
  ctx: ApplyContext,
  chord: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  callOptions: Readonly<Record<string, unknown>>,
): Promise<FrozenResult | null> {
  const { task_id: taskIdParam, producer: _p, publisher: _pub, connection: _c, router: _r, result_cls: _rc, ...rest } = callOptions;
  const options: Record<string, unknown> = rest;
  const partial = args.length > 0 && !chord.immutable ? [...args, ...chord.args] : chord.args;
  const { body: bodyOverride, ...restKwargs } = kwargs;
  let body = (isPlainObject(bodyOverride) ? bodyOverride : bodyOf(chord)) as MutableSignature | null;
  const chordKwargs = chord.kwargs["kwargs"];
  const mergedKwargs = { ...(isPlainObject(chordKwargs) ? chordKwargs : {}), ...restKwargs };

  const headerDelay: Record<string, unknown> = {};
  for (const key of ["countdown", "eta"]) {
    if (options[key] !== null && options[key] !== undefined) {
      headerDelay[key] = options[key];
      delete options[key];
    }
  }
  const callbacks: Record<string, unknown> = {};
  for (const key of ["link", "link_error"]) {
    if (key in options) {
      callbacks[key] = options[key];
      delete options[key];
    }
  }
  if (body === null) return null;
  body = cloneMutable(body, [], {}, bodyOptions(options));
  const header = headerOf(chord);
  const tasks = Array.isArray(header) ? makeGroup([...header], { task_id: chord.options["task_id"] || ctx.newId() }) : cloneMutable(header);

  const merged: Record<string, unknown> = { ...chord.options, ...options, ...callbacks };
  delete merged["countdown"];
  delete merged["eta"];
  const optionTaskId = merged["task_id"];
  delete merged["task_id"];
  const taskId = (taskIdParam ?? optionTaskId ?? null) as string | null;
  return runChord(ctx, chord, tasks, body, partial, mergedKwargs, taskId, headerDelay, merged);
}

/** Options passed on to the body: all but `parent_id` (the header task that fires the body is its parent). */
function bodyOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { parent_id: _parentId, ...rest } = options;
  return rest;
}

/** Run parameters of `_chord.run` that are not options for the header. */
const RUN_PARAMETERS = ["app", "interval", "countdown", "max_retries", "eager"];

/**
 * Celery 5.7's `_chord.run`: group id = the header's `task_id` or a new one; the body gets the chord's options and
 * callbacks, is frozen with its task id and `group_id` = the chord's group id; the header members are frozen with
 * `group_id`, `chord` = body and their index; the header is applied (chord size set before its last member), or, if
 * empty, the body is applied at once with `[]`. Returns the body's result with the header group as its parent.
 */
async function runChord(
  ctx: ApplyContext,
  chord: MutableSignature,
  header: MutableSignature,
  bodyIn: MutableSignature,
  partialArgs: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  taskId: string | null,
  headerDelayIn: Readonly<Record<string, unknown>>,
  runOptions: Readonly<Record<string, unknown>>,
): Promise<FrozenResult | null> {
  let body = bodyIn;
  const headerTaskId = header.options["task_id"];
  const groupId = typeof headerTaskId === "string" && headerTaskId !== "" ? headerTaskId : ctx.newId();
  const rootId = (body.options["root_id"] ?? null) as string | null;
  // Run parameters bind to `run()`'s own arguments: taken out of the call options, not out of the chord's own.
  const callOptions: Record<string, unknown> = { ...runOptions };
  for (const key of RUN_PARAMETERS) delete callOptions[key];
  const options: Record<string, unknown> = { ...chord.options, ...callOptions };
  const headerDelay: Record<string, unknown> = { ...headerDelayIn };
  for (const key of ["countdown", "eta"]) {
    if (!(key in headerDelay) && options[key] !== null && options[key] !== undefined) headerDelay[key] = options[key];
    delete options[key];
  }
  if (Object.keys(options).length > 0) {
    delete options["task_id"];
    body = addBodyCallbacks(body, options);
    Object.assign(body.options, bodyOptions(options));
  }
  if (kindOf(body) === "chain") unrollChainChords(body);
  const bodyResult = freezeMutable(ctx, body, { id: taskId || ctx.newId(), groupId, rootId });
  stripChordHeaderLinks(body);

  delete options["chain"];
  delete options["chord"];
  delete options["task_id"];

  header.options["task_id"] = groupId;
  const headerParts = freezeGroupMutable(ctx, header, { groupId, chord: body, rootId });
  let headerResult: FrozenResult;
  if (tasksOf(header).length > 0) {
    await saveComplexHeader(ctx, groupId, headerParts.results);
    headerResult = await applyGroupMutable(ctx, header, partialArgs, kwargs, { ...options, ...headerDelay, task_id: groupId });
  } else {
    await applyMutable(ctx, body, [[]], {}, {});
    headerResult = headerParts.result;
  }
  if (bodyResult !== null) bodyResult.parent = headerResult;
  return bodyResult;
}

/**
 * The Redis backend's `apply_chord`: when a header member's result is itself a group, the header GroupResult is
 * saved so the worker completing the chord can join the nested results.
 */
async function saveComplexHeader(ctx: ApplyContext, groupId: string, results: readonly FrozenResult[]): Promise<void> {
  if (!results.some((r) => r.type === "group")) return;
  const backend = ctx.sender.backend;
  if (backend.saveGroupTuple !== undefined) {
    await backend.saveGroupTuple(groupId, frozenResultTuple({ type: "group", id: groupId, results: [...results], parent: null }));
  } else {
    await backend.saveGroup(
      groupId,
      results.map((r) => r.id),
    );
  }
}

/**
 * `_chord._add_body_callbacks`: moves `link` and `link_error` from the options to (a copy of) the body. A group body
 * gets the errback on each of its tasks (or on its own `link_error` list when it has one).
 */
function addBodyCallbacks(bodyIn: MutableSignature, options: Record<string, unknown>): MutableSignature {
  let body = bodyIn;
  const callbacks = maybeList(options["link"] as MutableSignature | MutableSignature[] | null | undefined) ?? [];
  const errbacks = maybeList(options["link_error"] as MutableSignature | MutableSignature[] | null | undefined) ?? [];
  delete options["link"];
  delete options["link_error"];
  if (callbacks.length > 0 || errbacks.length > 0) body = cloneWithMembers(body);
  for (const callback of callbacks) {
    const cb = cloneWithMembers(callback);
    if (kindOf(body) === "group" && tasksOf(body).length === 0) appendToListOption(body, "link", cb);
    else linkMutable(body, cb);
  }
  for (const errback of errbacks) {
    if (kindOf(body) === "group") linkErrorToBodyTasks(body, errback, true);
    else appendToListOption(body, "link_error", errback);
  }
  return body;
}

/** `_clone_with_members`: a clone whose group members / chord body are clones too (linking changes them). */
function cloneWithMembers(sig: MutableSignature): MutableSignature {
  const copy = cloneMutable(sig);
  const kind = kindOf(copy);
  if (kind === "group") copy.kwargs["tasks"] = tasksOf(copy).map(cloneWithMembers);
  else if (kind === "chord") {
    const body = bodyOf(copy);
    setBody(copy, body === null ? null : cloneWithMembers(body));
  }
  return copy;
}

/** `_link_error_to_body_tasks`. */
function linkErrorToBodyTasks(sig: MutableSignature, errback: MutableSignature, runsAsGroup: boolean): void {
  const kind = kindOf(sig);
  if (kind === "group") {
    const own = sig.options["link_error"];
    if (runsAsGroup && own !== null && own !== undefined) appendToListOption(sig, "link_error", cloneMutable(errback));
    else for (const task of tasksOf(sig)) linkErrorToBodyTasks(task, errback, false);
  } else if (kind === "chord") {
    const body = bodyOf(sig);
    if (body !== null) linkErrorToBodyTasks(body, errback, true);
  } else {
    linkErrorMutable(sig, cloneMutable(errback), false);
  }
}
