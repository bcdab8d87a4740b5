import { randomUUID } from "node:crypto";
import type { TaskSender } from "../client/task-sender.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { AsyncResult } from "../results/async-result.js";
import type { GroupResult } from "../results/group-result.js";
import type { ApplyContext } from "./apply-context.js";
import { applyGroupMutable } from "./apply-group.js";
import { applyMutable } from "./apply-signature.js";
import type { CanvasOptions } from "./canvas-options.js";
import { makeGroup, makeMap } from "./construct-signature.js";
import type { FrozenResult } from "./frozen-result.js";
import { kindOf, toMutable, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";
import { toResultHandle } from "./to-result-handle.js";
import { toWireOptions } from "./to-wire-options.js";

export interface ApplyAsyncOptions {
  /** Partial args: prepended to the signature's (a chain's first step, every group/chord header member). */
  readonly args?: readonly unknown[];
  /** Partial kwargs, merged over the signature's. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Call options (TypeScript names); they override the signature's, except `groupId` and stamps it already has. */
  readonly options?: CanvasOptions;
}

export interface AppliedCanvas {
  /** What Celery's `apply_async` returns: the last step of a chain (parents lead back), a group's GroupResult, a chord's body result. */
  readonly result: AsyncResult<unknown> | GroupResult<unknown>;
  /** The same result tree as plain data. */
  readonly frozen: FrozenResult;
}

/**
 * Publishes a signature or canvas through `sender` exactly as Celery's `apply_async` would: one message for a task
 * or a chain (its first step, with the rest in `chain`, reversed), one per member for a group or a chord header (the
 * chord size stored before the last one), a group of `celery.starmap` tasks for chunks. Resolves once every message
 * is accepted, with the result to wait on (see `applyCanvas` for the result tree as data).
 */
export async function applyAsync(sig: Signature, sender: TaskSender, call: ApplyAsyncOptions = {}): Promise<AsyncResult<unknown> | GroupResult<unknown>> {
  return (await applyCanvas(sig, sender, call)).result;
}

/** `applyAsync`, also returning the result tree as plain data. */
export async function applyCanvas(sig: Signature, sender: TaskSender, call: ApplyAsyncOptions = {}): Promise<AppliedCanvas> {
  const ctx: ApplyContext = { sender, replyTo: sender.backend.replyTo, newId: randomUUID };
  const working = toMutable(sig);
  const args = call.args ?? [];
  const kwargs = call.kwargs ?? {};
  const options = toWireOptions(call.options ?? {});
  const frozen =
    kindOf(working) === "chunks" ? await applyChunks(ctx, working, args, kwargs, options) : await applyMutable(ctx, working, args, kwargs, options);
  if (frozen === null) throw new CeleryProtoError("InvalidOption", `${sig.task}: nothing to apply (an empty chain, or a chord without a body)`);
  return { result: toResultHandle(frozen, sender), frozen };
}

/** Celery's `chunks.apply_async`: a group of `xstarmap(task, part)` for every `n` items; the chunks' own options are not used (as in Celery). */
function applyChunks(
  ctx: ApplyContext,
  sig: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): Promise<FrozenResult> {
  const it = Array.isArray(sig.kwargs["it"]) ? (sig.kwargs["it"] as unknown[]) : [];
  const n = Number(sig.kwargs["n"]);
  if (!Number.isInteger(n) || n < 1)
    throw new CeleryProtoError("InvalidOption", `celery.chunks: kwargs.n must be a positive integer, got ${String(sig.kwargs["n"])}`);
  const parts: MutableSignature[] = [];
  for (let i = 0; i < it.length; i += n) parts.push(makeMap("celery.starmap", sig.kwargs["task"], it.slice(i, i + n)));
  return applyGroupMutable(ctx, makeGroup(parts), args, kwargs, options);
}
