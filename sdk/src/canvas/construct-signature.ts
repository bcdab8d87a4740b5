import { cloneMutable } from "./clone-signature.js";
import { headerOf, isPlainObject, kindOf, tasksOf, type MutableSignature } from "./mutable-signature.js";

// Internal: Celery's canvas constructors and `from_dict` (C:celery/canvas.py), on working signatures.

/** `_chain(*tasks, **options)`: args `[]`, not immutable, `use_link` dropped. */
export function makeChain(tasks: MutableSignature[], options: Record<string, unknown> = {}): MutableSignature {
  const { use_link: _useLink, ...rest } = options;
  return { task: "celery.chain", args: [], kwargs: { tasks }, options: rest, subtask_type: "chain", immutable: false };
}

/** `group(tasks, **options)`: a single group argument lends its member list; a single signature is cloned. */
export function makeGroup(tasks: MutableSignature[] | MutableSignature, options: Record<string, unknown> = {}): MutableSignature {
  let members: MutableSignature[];
  if (Array.isArray(tasks)) members = tasks;
  else if (kindOf(tasks) === "group") members = tasksOf(tasks);
  else members = [cloneMutable(tasks)];
  return { task: "celery.group", args: [], kwargs: { tasks: members }, options, subtask_type: "group", immutable: false };
}

export interface ChordParts {
  readonly task?: string;
  readonly args?: unknown[];
  /** The chord's own kwargs besides header/body (Celery keeps `{"kwargs": {...}}` there). */
  readonly kwargs?: Record<string, unknown>;
  readonly options?: Record<string, unknown>;
  readonly immutable?: boolean;
}

/** `_chord(header, body, ...)`: the header goes through `_maybe_group` (a group or chain lends its members). */
export function makeChord(header: MutableSignature[] | MutableSignature, body: MutableSignature | null, parts: ChordParts = {}): MutableSignature {
  const extra = parts.kwargs !== undefined && Object.keys(parts.kwargs).length > 0 ? parts.kwargs : { kwargs: {} };
  return {
    task: parts.task ?? "celery.chord",
    args: parts.args ?? [],
    kwargs: { ...extra, header: maybeGroup(header), body },
    options: parts.options ?? {},
    subtask_type: "chord",
    immutable: parts.immutable ?? false,
  };
}

/** `xmap(task, it)` / `xstarmap(task, it)`: always immutable; Celery writes `subtask_type: null`. */
export function makeMap(name: "celery.map" | "celery.starmap", task: unknown, it: unknown[], options: Record<string, unknown> = {}): MutableSignature {
  return { task: name, args: [], kwargs: { task, it }, options, subtask_type: null, immutable: true };
}

/** `chunks(task, it, n)`: always immutable; Celery writes `subtask_type: null`. */
export function makeChunks(task: unknown, it: unknown[], n: number, options: Record<string, unknown> = {}): MutableSignature {
  return { task: "celery.chunks", args: [], kwargs: { task, it, n }, options, subtask_type: null, immutable: true };
}

/** `_maybe_group`: the member list of a header. */
function maybeGroup(header: MutableSignature[] | MutableSignature): MutableSignature[] {
  if (Array.isArray(header)) return header.map((t) => cloneMutable(t));
  const kind = kindOf(header);
  if (kind === "group" || kind === "chain") return tasksOf(header);
  return [header];
}

/**
 * `Signature.from_dict` on a freshly built dict: chains and groups keep only their tasks and options, chords
 * re-run `_maybe_group` on the header, everything else (chunks/map/starmap included, which Celery writes with
 * `subtask_type: null`) stays a plain signature.
 */
export function reconstruct(d: MutableSignature): MutableSignature {
  switch (kindOf(d)) {
    case "chain":
      return makeChain(tasksOf(d), d.options);
    case "group":
      return makeGroup([...tasksOf(d)], d.options);
    case "chord": {
      const { header: _header, body, ...extra } = d.kwargs;
      return makeChord(headerOf(d), isPlainObject(body) ? (body as unknown as MutableSignature) : null, {
        task: d.task,
        args: d.args,
        kwargs: extra,
        options: d.options,
        immutable: d.immutable,
      });
    }
    default:
      return { task: d.task, args: d.args, kwargs: d.kwargs, options: d.options, subtask_type: d.subtask_type, immutable: d.immutable };
  }
}
