import { cloneMutable } from "./clone-signature.js";
import { appendToListOption } from "./list-option.js";
import { bodyOf, headerOf, kindOf, tasksOf, toMutable, toValue, type MutableSignature } from "./mutable-signature.js";
import { setImmutableMutable } from "./set-immutable.js";
import type { Signature } from "./signature.js";

export interface LinkErrorOptions {
  /**
   * Celery's `task_allow_error_cb_on_chord_header`: a chord's errback is also linked (as an immutable clone) to every
   * header task. Default false, as in Celery.
   */
  readonly allowErrorCallbackOnChordHeader?: boolean;
}

/**
 * Adds a success callback (Celery's `sig.link(callback)`), returning the new signature. A task keeps a deduplicated
 * `options.link` list; a group links an immutable clone to its first task only; a chord links its body.
 */
export function link(sig: Signature, callback: Signature): Signature {
  const copy = toMutable(sig);
  linkMutable(copy, toMutable(callback));
  return toValue(copy);
}

/**
 * Adds an error callback (Celery's `sig.link_error(errback)`), returning the new signature. A task keeps a
 * deduplicated `options.link_error` list; a group links a clone to every member; a chord links its body (and, with
 * `allowErrorCallbackOnChordHeader`, every header task).
 */
export function linkError(sig: Signature, errback: Signature, options: LinkErrorOptions = {}): Signature {
  const copy = toMutable(sig);
  linkErrorMutable(copy, toMutable(errback), options.allowErrorCallbackOnChordHeader ?? false);
  return toValue(copy);
}

export function linkMutable(sig: MutableSignature, callback: MutableSignature): void {
  const kind = kindOf(sig);
  if (kind === "group") {
    const first = tasksOf(sig)[0];
    if (first === undefined) return;
    const immutableCallback = cloneMutable(callback);
    setImmutableMutable(immutableCallback, true);
    linkMutable(first, immutableCallback);
  } else if (kind === "chord") {
    const body = bodyOf(sig);
    if (body !== null) linkMutable(body, callback);
  } else {
    appendToListOption(sig, "link", callback);
  }
}

export function linkErrorMutable(sig: MutableSignature, errback: MutableSignature, allowOnChordHeader: boolean): void {
  const kind = kindOf(sig);
  if (kind === "group") {
    for (const child of tasksOf(sig)) linkErrorMutable(child, cloneMutable(errback), allowOnChordHeader);
  } else if (kind === "chord") {
    const header = headerOf(sig);
    const headerTasks = Array.isArray(header) ? header : [header];
    if (allowOnChordHeader) {
      // Celery calls errback.clone(immutable=True), which puts `immutable` into the clone's options.
      for (const task of headerTasks) linkErrorMutable(task, cloneMutable(errback, [], {}, { immutable: true }), allowOnChordHeader);
    }
    // Nested chords in a header list link their own header/body as configured.
    for (const task of headerTasks) if (kindOf(task) === "chord") linkErrorMutable(task, errback, allowOnChordHeader);
    const body = bodyOf(sig);
    if (body !== null) linkErrorMutable(body, errback, allowOnChordHeader);
  } else {
    appendToListOption(sig, "link_error", errback);
  }
}
