import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Signature } from "./signature.js";
import { signatureKind, type SignatureKind, type SubtaskType } from "./signature-kind.js";

/**
 * Internal: the working form of a signature while a canvas is frozen or applied. Celery's algorithms mutate the
 * signatures they work on (freezing writes ids into options, and nested references see it), so the engine works on
 * private copies with the same in-place semantics and hands out only fresh values. Never exported from the package.
 */
export interface MutableSignature {
  task: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: Record<string, unknown>;
  subtask_type: SubtaskType | null;
  immutable: boolean;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Copies arrays and plain objects (so signatures at any depth); other values (Date, PyDecimal, ...) are shared. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => deepCopy(v)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}

/** A private deep copy of a signature value, to work on. */
export function toMutable(sig: Signature): MutableSignature {
  return deepCopy(sig) as unknown as MutableSignature;
}

/** Hands a working signature out as a fresh value (a deep copy: later engine work never reaches it). */
export function toValue(sig: MutableSignature): Signature {
  return deepCopy(sig) as unknown as Signature;
}

export function kindOf(sig: MutableSignature): SignatureKind {
  return signatureKind(sig);
}

/** The member list of a chain or group (`kwargs.tasks`), the same array (mutations are seen). */
export function tasksOf(sig: MutableSignature): MutableSignature[] {
  const tasks = sig.kwargs["tasks"];
  if (Array.isArray(tasks)) return tasks as MutableSignature[];
  if (tasks === undefined || tasks === null) {
    const fresh: MutableSignature[] = [];
    sig.kwargs["tasks"] = fresh;
    return fresh;
  }
  throw new CeleryProtoError("InvalidMessage", `${sig.task}: kwargs.tasks must be a list of signatures`);
}

/** A chord's header: a list of signatures, or a group signature (after freezing). */
export function headerOf(sig: MutableSignature): MutableSignature[] | MutableSignature {
  const header = sig.kwargs["header"];
  if (Array.isArray(header)) return header as MutableSignature[];
  if (isPlainObject(header)) return header as unknown as MutableSignature;
  throw new CeleryProtoError("InvalidMessage", "celery.chord: kwargs.header must be a list of signatures or a group");
}

/** The header's members, whichever form the header has. */
export function headerTasksOf(sig: MutableSignature): MutableSignature[] {
  const header = headerOf(sig);
  return Array.isArray(header) ? header : tasksOf(header);
}

export function bodyOf(sig: MutableSignature): MutableSignature | null {
  const body = sig.kwargs["body"];
  return isPlainObject(body) ? (body as unknown as MutableSignature) : null;
}

export function setBody(sig: MutableSignature, body: MutableSignature | null): void {
  sig.kwargs["body"] = body;
}

/** Celery's `maybe_list`: null stays null, a list stays, anything else becomes a one-element list. */
export function maybeList<T>(value: T | readonly T[] | null | undefined): T[] | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? (value as T[]) : [value as T];
}

/** Celery's `maybe_unroll_group`: a group of exactly one member is that member. */
export function maybeUnrollGroup(sig: MutableSignature): MutableSignature {
  if (kindOf(sig) !== "group") return sig;
  const tasks = tasksOf(sig);
  return tasks.length === 1 && tasks[0] !== undefined ? tasks[0] : sig;
}

/** Celery's `_is_empty_group`. */
export function isEmptyGroup(sig: MutableSignature): boolean {
  return kindOf(sig) === "group" && tasksOf(sig).length === 0;
}

/** Celery's `_is_chain_led_by_task`: a chain whose first step is not a group. */
export function isChainLedByTask(sig: MutableSignature | null): boolean {
  if (sig === null || kindOf(sig) !== "chain") return false;
  const first = tasksOf(sig)[0];
  return first !== undefined && kindOf(first) !== "group";
}

/** Structural equality of plain data (Python's `==` on dicts/lists), used to deduplicate callbacks. */
export function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => plainEqual(v, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && plainEqual(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** Python's `dict.setdefault`. */
export function setDefault(options: Record<string, unknown>, key: string, value: unknown): unknown {
  if (!(key in options)) options[key] = value;
  return options[key];
}
