import type { MutableSignature } from "./mutable-signature.js";

/** Options a signature keeps over call options (Celery's `Signature._IMMUTABLE_OPTIONS`), besides its stamp keys. */
export const IMMUTABLE_OPTIONS: ReadonlySet<string> = new Set(["group_id", "stamped_headers"]);

export interface MergedCall {
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
  /** The signature's own options object when no call options were given (as Celery returns it). */
  readonly options: Record<string, unknown>;
}

/**
 * Celery's `Signature._merge`: partial args are prepended and partial kwargs merged in (unless the signature is
 * immutable and not `force`); call options override the signature's except `group_id`, `stamped_headers` and the
 * signature's stamp keys when it already has them.
 */
export function mergeCall(
  sig: MutableSignature,
  args: readonly unknown[] = [],
  kwargs: Readonly<Record<string, unknown>> = {},
  options?: Readonly<Record<string, unknown>>,
  force = false,
): MergedCall {
  let merged = sig.options;
  if (options !== undefined) {
    const keep = new Set(IMMUTABLE_OPTIONS);
    if ("stamped_headers" in sig.options) {
      const stamped = sig.options["stamped_headers"];
      if (Array.isArray(stamped)) for (const name of stamped) keep.add(String(name));
    }
    merged = { ...sig.options };
    for (const [k, v] of Object.entries(options)) if (!keep.has(k) || !(k in sig.options)) merged[k] = v;
  }
  if (sig.immutable && !force) return { args: sig.args, kwargs: sig.kwargs, options: merged };
  return {
    args: args.length > 0 ? [...args, ...sig.args] : sig.args,
    kwargs: Object.keys(kwargs).length > 0 ? { ...sig.kwargs, ...kwargs } : sig.kwargs,
    options: merged,
  };
}

/** Drops options whose value is null or undefined, as Celery's `apply_async` does first. */
export function dropNullOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}
