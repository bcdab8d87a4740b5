import type { SendTaskOptions } from "./send-task-options.js";

/**
 * A task known by name and by the types of its arguments and result. Descriptors are data: the generated typed
 * clients of `proto generate` are descriptors, and `client.enqueue(descriptor, ...)` checks calls against them.
 */
export interface TaskDescriptor<
  Args extends readonly unknown[] = readonly unknown[],
  Result = unknown,
  Kwargs extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
> {
  readonly name: string;
  /** Options applied to every call (queue, priority, time limits...); per-call options win. */
  readonly defaults?: SendTaskOptions;
  /** Optional argument check run before publishing; throw a `CeleryProtoError` to refuse the call. */
  readonly validate?: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => void;
  /** Phantom field carrying the result type; never set at run time. */
  readonly __result?: Result;
}

/**
 * Declares a task descriptor. `defineTask<[number, number], number>("tasks.add")`.
 *
 * @typeParam Result - What `get()` resolves with. A Python int beyond ±2^53 arrives as a `bigint`: declare a result
 * that can grow that large as `number | bigint`.
 */
export function defineTask<
  Args extends readonly unknown[] = readonly unknown[],
  Result = unknown,
  Kwargs extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
>(
  name: string,
  defaults?: SendTaskOptions,
  validate?: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => void,
): TaskDescriptor<Args, Result, Kwargs> {
  return Object.freeze({ name, ...(defaults === undefined ? {} : { defaults }), ...(validate === undefined ? {} : { validate }) });
}
