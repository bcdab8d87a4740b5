import type { AnyCatalogTask, TaskArgs, TaskKwargs, TaskResult } from "../../../sdk/src/typed/catalog-task.js";
import { bindPositionalArguments } from "../../../sdk/src/typed/bind-positional-arguments.js";
import type { TaskHandler } from "./task-handler.js";
import type { TaskOptions } from "./task-options.js";
import type { TaskRegistry } from "./task-registry.js";

/** The handler a catalog task needs: its argument tuple, keyword arguments and result, as the catalog types them. */
export type TaskImplementation<T> = TaskHandler<TaskArgs<T> & readonly unknown[], TaskKwargs<T> & Readonly<Record<string, unknown>>, TaskResult<T>>;

/** One handler per task of `C`: a missing, extra or mistyped handler is a compile error. */
export type TaskImplementations<C extends Readonly<Record<string, AnyCatalogTask>>> = {
  readonly [N in keyof C]: TaskImplementation<C[N]>;
};

/**
 * Registers the implementations of catalog tasks (worker stubs): `implementTasks(registry, { shout: tasks.shout },
 * { shout: ([text]) => text.toUpperCase() })`. Received arguments are validated before the handler runs (a bad call
 * is stored as FAILURE with `InvalidArguments` naming the argument) and the return value against the result schema.
 * Positional parameters a Python caller passed by keyword reach the handler in their positions.
 */
export function implementTasks<C extends Readonly<Record<string, AnyCatalogTask>>>(
  registry: TaskRegistry,
  catalog: C,
  implementations: TaskImplementations<C>,
  options: { readonly [N in keyof C]?: TaskOptions } = {},
): void {
  for (const key of Object.keys(catalog) as (keyof C & string)[]) {
    const task = catalog[key] as AnyCatalogTask;
    const handler = implementations[key] as unknown as TaskHandler;
    if (typeof handler !== "function") throw new TypeError(`implementTasks: no handler for ${JSON.stringify(key)} (${task.name})`);
    const checked: TaskHandler = async (received, receivedKwargs, context) => {
      const { args, kwargs } = bindPositionalArguments(task.spec, received, receivedKwargs);
      const result = await handler(args, kwargs, context);
      task.validateResult(result);
      return result;
    };
    registry.register(task, checked, { ...fromCatalogDefaults(task), ...options[key] });
  }
}

/** The catalog's retry policy and time limits apply to the worker (Celery's task-level attributes). */
function fromCatalogDefaults(task: AnyCatalogTask): TaskOptions {
  const defaults = task.defaults;
  return {
    ...task.spec.retry,
    ...(defaults?.timeLimit === undefined || defaults.timeLimit === null ? {} : { timeLimit: defaults.timeLimit }),
    ...(defaults?.softTimeLimit === undefined || defaults.softTimeLimit === null ? {} : { softTimeLimit: defaults.softTimeLimit }),
  };
}
