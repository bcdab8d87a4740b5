import { cloneMutable } from "./clone-signature.js";
import { bodyOf, headerOf, isChainLedByTask, kindOf, setBody, tasksOf, type MutableSignature } from "./mutable-signature.js";
import { unchainTasks } from "./unchain-tasks.js";

// Internal: Celery 5.6.3+'s fix for the O(K^2) size of chains of chords (C:celery/canvas.py `_unroll_body`,
// `_unroll_chords`, `_strip_chord_header_links`). Every header task carries a copy of its chord's body, so a body
// holding the rest of a chain is split off into the chain, and dispatched copies do not repeat bodies in headers.

/** Options a chain consumes itself when run instead of passing them to its first task (`_CHAIN_RUN_OPTIONS`). */
const CHAIN_RUN_OPTIONS: ReadonlySet<string> = new Set(["chord", "group_id", "group_index", "link", "link_error", "parent_id", "root_id", "task_id"]);

/** `_unroll_body`: `chord(header, chain(a, b, c))` → `[chord(header, a), b, c]`. */
export function unrollChordBody(chord: MutableSignature): MutableSignature[] {
  const task = cloneMutable(chord);
  const body = bodyOf(task);
  if (body === null) return [task];
  const bodyTasks = unchainTasks(body);
  const [first, ...rest] = bodyTasks;
  if (first === undefined) return [task];
  const firstOptions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body.options)) if (!CHAIN_RUN_OPTIONS.has(k)) firstOptions[k] = v;
  setBody(task, cloneMutable(first, [], {}, firstOptions));
  return [task, ...rest];
}

/** `_chain._unroll_chords`: splits task-led chain bodies of the chain's chords into the chain, recursively, in place. */
export function unrollChainChords(chain: MutableSignature): void {
  const pending = [...tasksOf(chain)];
  const out: MutableSignature[] = [];
  while (pending.length > 0) {
    let task = pending.shift() as MutableSignature;
    if (kindOf(task) === "chain") {
      task = cloneMutable(task);
      unrollChainChords(task);
    }
    if (kindOf(task) === "chord" && isChainLedByTask(bodyOf(task))) pending.unshift(...unrollChordBody(task));
    else out.push(task);
  }
  chain.kwargs["tasks"] = out;
}

/** `_strip_chord_header_links`: removes the header copies of chord bodies from a copy about to be dispatched. */
export function stripChordHeaderLinks(sig: MutableSignature): void {
  const kind = kindOf(sig);
  if (kind === "chord") {
    const header = headerOf(sig);
    clearChordOption(header);
    for (const part of Array.isArray(header) ? header : [header]) stripChordHeaderLinks(part);
    const body = bodyOf(sig);
    if (body !== null) stripChordHeaderLinks(body);
  } else if (kind === "group" || kind === "chain") {
    for (const task of tasksOf(sig)) stripChordHeaderLinks(task);
  }
}

/** `_clear_chord_option`: drops `options.chord` from the signature and its terminal tasks. */
function clearChordOption(sig: MutableSignature | MutableSignature[]): void {
  if (Array.isArray(sig)) {
    for (const task of sig) clearChordOption(task);
    return;
  }
  delete sig.options["chord"];
  const kind = kindOf(sig);
  if (kind === "group") {
    for (const task of tasksOf(sig)) clearChordOption(task);
  } else if (kind === "chain") {
    const tasks = tasksOf(sig);
    const last = tasks[tasks.length - 1];
    if (last !== undefined) clearChordOption(last);
  } else if (kind === "chord") {
    const body = bodyOf(sig);
    if (body !== null) clearChordOption(body);
  }
}
