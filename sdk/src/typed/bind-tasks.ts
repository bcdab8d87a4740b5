import type { CanvasOptions } from "../canvas/canvas-options.js";
import { signature } from "../canvas/create-signature.js";
import type { SendTaskOptions } from "../client/send-task-options.js";
import type { TaskDescriptor } from "../client/task-descriptor.js";
import type { AsyncResult } from "../results/async-result.js";
import { CheckedAsyncResult } from "./checked-async-result.js";
import type { AnyCatalogTask, TaskArgs, TaskKwargs, TaskResult } from "./catalog-task.js";
import type { TypedSignature } from "./typed-signature.js";

/** What typed producers need from a client: `Client` satisfies it. */
export interface TaskEnqueuer {
  enqueue<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>>(
    task: TaskDescriptor<A, R, K>,
    args: NoInfer<A>,
    kwargs?: NoInfer<Partial<K>>,
    options?: SendTaskOptions,
  ): Promise<AsyncResult<R>>;
}

/** Options of a typed `enqueue`: every `SendTaskOptions` plus the keyword arguments (required when some are). */
export type TypedEnqueueOptions<K> = SendTaskOptions & ({} extends K ? { readonly kwargs?: K } : { readonly kwargs: K });

type Tail<A extends readonly unknown[]> = A extends readonly [unknown, ...infer T] ? T : A extends readonly [(infer _)?, ...infer T] ? T : never;
type Head<A extends readonly unknown[]> = A extends readonly [infer H, ...unknown[]]
  ? H
  : A extends readonly [(infer H)?, ...unknown[]]
    ? H | undefined
    : never;

/** A catalog task bound to a client: Celery's `delay`/`apply_async`/`s`/`si` with the catalog's types. */
export interface BoundTask<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>> {
  readonly name: string;
  /** `task.delay(*args)`: positional arguments only (not available when the task has required keyword arguments). */
  delay(...args: {} extends K ? A : never): Promise<AsyncResult<R>>;
  /** `task.apply_async(args, kwargs, **options)`: `enqueue([2, 3], { countdown: 10 })`, kwargs under `kwargs`. */
  enqueue(args: A, ...options: {} extends K ? [options?: TypedEnqueueOptions<K>] : [options: TypedEnqueueOptions<K>]): Promise<AsyncResult<R>>;
  /** A complete signature (`task.s(*args)` with every argument). */
  s(...args: A): TypedSignature<void, R>;
  /** A partial signature waiting for its first argument from the previous step of a chain. */
  s(...args: Tail<A>): TypedSignature<Head<A>, R>;
  /** An immutable signature: ignores the previous step's result. */
  si(...args: A): TypedSignature<unknown, R>;
}

/** The bound form of every task of a catalog. */
export type BoundTasks<C extends Readonly<Record<string, AnyCatalogTask>>> = {
  readonly [N in keyof C]: BoundTask<TaskArgs<C[N]>, TaskResult<C[N]>, TaskKwargs<C[N]>>;
};

/**
 * Binds a generated catalog (`import { tasks } from "./gen/catalog_tasks.js"`) to a client:
 * `const t = bindTasks(client, tasks); const r = await t.add.delay(2, 3); const n: number = await r.get();`.
 * Arguments are validated before publishing; a bad call throws `CeleryProtoError` (`InvalidArguments`) and
 * publishes nothing. Results are checked against the result schema when read (`InvalidResult`).
 */
export function bindTasks<C extends Readonly<Record<string, AnyCatalogTask>>>(client: TaskEnqueuer, catalog: C): BoundTasks<C> {
  const bound: Record<string, BoundTask<readonly unknown[], unknown, Readonly<Record<string, unknown>>>> = {};
  for (const [key, task] of Object.entries(catalog)) {
    bound[key] = bindTask(client, task);
  }
  return Object.freeze(bound) as unknown as BoundTasks<C>;
}

function bindTask(client: TaskEnqueuer, task: AnyCatalogTask): BoundTask<readonly unknown[], unknown, Readonly<Record<string, unknown>>> {
  const descriptor = task as TaskDescriptor<readonly unknown[], unknown, Readonly<Record<string, unknown>>>;
  // The catalog's defaults (queue, priority, time limits) travel in signatures too, so canvas steps are routed alike.
  const canvasDefaults: CanvasOptions = (task.defaults ?? {}) as CanvasOptions;
  return {
    name: task.name,
    delay: async (...args: readonly unknown[]) => new CheckedAsyncResult(await client.enqueue(descriptor, args), task.validateResult),
    enqueue: async (args: readonly unknown[], options: TypedEnqueueOptions<Readonly<Record<string, unknown>>> = {}) => {
      const { kwargs = {}, ...sendOptions } = options;
      return new CheckedAsyncResult(await client.enqueue(descriptor, args, kwargs, sendOptions), task.validateResult);
    },
    s: (...args: readonly unknown[]) => signature(task.name, args, {}, canvasDefaults),
    si: (...args: readonly unknown[]) => ({ ...signature(task.name, args, {}, canvasDefaults), immutable: true }),
  };
}
