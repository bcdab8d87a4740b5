import { applyChordMutable } from "./apply-chord.js";
import type { ApplyContext } from "./apply-context.js";
import { applyGroupMutable } from "./apply-group.js";
import { frozenTask, type FrozenResult } from "./frozen-result.js";
import { dropNullOptions, mergeCall } from "./merge-signature.js";
import { kindOf, type MutableSignature } from "./mutable-signature.js";
import { runChain } from "./run-chain.js";
import { toSendTaskOptions } from "./to-send-task-options.js";

/**
 * Internal `sig.apply_async(args, kwargs, **options)` with Celery's dispatch: chains run, groups and chords publish
 * their members, map/starmap publish one built-in task, anything else (chunks nested in a canvas included, as
 * Celery's clones of them are plain signatures) publishes one task. `options` use Celery's names.
 */
export async function applyMutable(
  ctx: ApplyContext,
  sig: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): Promise<FrozenResult | null> {
  switch (kindOf(sig)) {
    case "chain":
      return runChain(ctx, sig, args, kwargs, Object.keys(options).length > 0 ? { ...sig.options, ...options } : { ...sig.options });
    case "group":
      return applyGroupMutable(ctx, sig, args, kwargs, options);
    case "chord":
      return applyChordMutable(ctx, sig, args, kwargs, options);
    case "xmap":
    case "xstarmap":
      return applyMap(ctx, sig, options);
    default:
      return applyTask(ctx, sig, args, kwargs, options);
  }
}

/** Celery's `Signature.apply_async`: null options dropped, partial args/kwargs/options merged, one task sent. */
async function applyTask(
  ctx: ApplyContext,
  sig: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): Promise<FrozenResult> {
  const opts = dropNullOptions(options);
  const call = args.length > 0 || Object.keys(kwargs).length > 0 || Object.keys(opts).length > 0;
  const merged = call ? mergeCall(sig, args, kwargs, opts) : { args: sig.args, kwargs: sig.kwargs, options: sig.options };
  const id = await ctx.sender.sendTask(sig.task, merged.args, merged.kwargs, toSendTaskOptions(merged.options));
  return frozenTask(id);
}

/** Celery 5.7's `_basemap.apply_async`: the signature's options merged with the call's; one `celery.map`/`celery.starmap` task. */
async function applyMap(ctx: ApplyContext, sig: MutableSignature, options: Readonly<Record<string, unknown>>): Promise<FrozenResult> {
  const merged = { ...mergeCall(sig, [], {}, dropNullOptions(options)).options };
  delete merged["route_name"];
  const it = sig.kwargs["it"];
  const id = await ctx.sender.sendTask(sig.task, [], { task: sig.kwargs["task"], it: Array.isArray(it) ? [...it] : [] }, toSendTaskOptions(merged));
  return frozenTask(id);
}
