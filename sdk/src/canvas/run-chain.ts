import type { ApplyContext } from "./apply-context.js";
import { applyMutable } from "./apply-signature.js";
import type { FrozenResult } from "./frozen-result.js";
import { extendListOption } from "./list-option.js";
import type { MutableSignature } from "./mutable-signature.js";
import { prepareChainSteps } from "./prepare-chain-steps.js";

/** Options `_chain.run` takes as parameters; everything else goes to the first task. */
const RUN_PARAMETERS = ["group_id", "chord", "task_id", "link", "link_error", "publisher", "producer", "root_id", "parent_id", "app", "group_index"];

/**
 * Celery's `_chain.run` (protocol 2): prepares the steps, links the chain's `link` to the last step, and publishes
 * ONLY the first step, with `chain` = the remaining steps in reverse order (extended if the options already carry a
 * chain, as when the chain is itself a later step of another chain). Returns the last step's result, or the first
 * step's own result when the chain has one step.
 */
export async function runChain(
  ctx: ApplyContext,
  chain: MutableSignature,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  options: Record<string, unknown>,
): Promise<FrozenResult | null> {
  const rest = { ...options };
  const param = (key: string): unknown => {
    const value = rest[key];
    delete rest[key];
    return value;
  };
  const p = Object.fromEntries(RUN_PARAMETERS.map((key) => [key, param(key)])) as Record<string, unknown>;
  const partial = args.length > 0 && !chain.immutable ? [...args, ...chain.args] : chain.args;

  const { tasks, results } = prepareChainSteps(ctx, chain, partial, kwargs, {
    rootId: p["root_id"] as string | null | undefined,
    parentId: p["parent_id"] as string | null | undefined,
    linkError: p["link_error"] as MutableSignature | MutableSignature[] | null | undefined,
    lastTaskId: (p["task_id"] ?? undefined) as string | undefined,
    groupId: p["group_id"] as string | null | undefined,
    chordBody: p["chord"] as MutableSignature | null | undefined,
    groupIndex: p["group_index"] as number | null | undefined,
    clone: true,
  });
  if (results.length === 0) return null;

  const link = p["link"];
  if (link !== null && link !== undefined && tasks[0] !== undefined) extendListOption(tasks[0], "link", link);
  const first = tasks.pop() as MutableSignature;
  // `_prepare_chain_from_options`: never mutate an existing `chain` option, extend a copy.
  const existing = rest["chain"];
  const firstOptions = !("chain" in rest) ? { ...rest, chain: tasks } : Array.isArray(existing) ? { ...rest, chain: [...existing, ...tasks] } : rest;
  const applied = await applyMutable(ctx, first, [], {}, firstOptions);
  return tasks.length === 0 ? applied : (results[0] as FrozenResult);
}
