import type { CatalogTaskSpec } from "./catalog-task.js";

/**
 * Moves positional parameters given by keyword into their positions, as Python binds a call: a Python producer may
 * send `shout.delay(text="hi")`, which a TypeScript handler typed `[text: string, times?: number]` must see as
 * `["hi"]`. Omitted optional parameters before a given one become `undefined` (so destructuring defaults apply).
 */
export function bindPositionalArguments(
  spec: CatalogTaskSpec,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): { args: readonly unknown[]; kwargs: Readonly<Record<string, unknown>> } {
  const byName = spec.args.slice(args.length).filter((name) => Object.hasOwn(kwargs, name));
  if (byName.length === 0) return { args, kwargs };
  const positional = [...args];
  const rest: Record<string, unknown> = { ...kwargs };
  spec.args.forEach((name, index) => {
    if (index < args.length || !Object.hasOwn(kwargs, name)) return;
    while (positional.length < index) positional.push(undefined);
    positional[index] = kwargs[name];
    delete rest[name];
  });
  return { args: positional, kwargs: rest };
}
