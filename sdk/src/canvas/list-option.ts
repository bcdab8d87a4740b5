import { plainEqual, type MutableSignature } from "./mutable-signature.js";

/** Celery's `_with_list_option`: the option as a list (a single value becomes a one-element list), created if absent. */
export function listOption(sig: MutableSignature, key: string): unknown[] {
  const current = sig.options[key];
  if (Array.isArray(current)) return current;
  const items = current === undefined ? [] : [current];
  sig.options[key] = items;
  return items;
}

/** Celery's `append_to_list_option`: appends unless an equal value is already there. */
export function appendToListOption(sig: MutableSignature, key: string, value: unknown): void {
  const items = listOption(sig, key);
  if (!items.some((item) => plainEqual(item, value))) items.push(value);
}

/** Celery's `extend_list_option` (no deduplication). */
export function extendListOption(sig: MutableSignature, key: string, value: unknown): void {
  const items = listOption(sig, key);
  if (Array.isArray(value)) items.push(...(value as unknown[]));
  else items.push(value);
}
