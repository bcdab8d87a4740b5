import type { SendTaskOptions } from "../client/send-task-options.js";
import type { TaskDescriptor } from "../client/task-descriptor.js";
import { checkTaskArguments, checkTaskResult } from "./check-task-arguments.js";
import type { StandaloneValidator } from "./standalone-validator.js";

/** What a generated catalog file says about one task: data only (names, parameter names, validators, defaults). */
export interface CatalogTaskSpec {
  /** The registered Celery task name. */
  readonly name: string;
  /** Positional parameter names in order. */
  readonly args: readonly string[];
  /** How many leading positional parameters are required. */
  readonly requiredArgs: number;
  /** Keyword-only parameter names. */
  readonly kwargs: readonly string[];
  /** True when extra positional arguments are accepted (Python `*args`). */
  readonly varargs?: boolean;
  /** Options applied to every call (queue, priority, time limits...). */
  readonly defaults?: SendTaskOptions;
  /** How TypeScript implementations retry (worker-side; applied by `implementTasks`). */
  readonly retry?: CatalogRetryPolicy;
  /** Validates the arguments as one object keyed by parameter name (extra positional ones under `*args`). */
  readonly validateArguments?: StandaloneValidator;
  /** Validates the return value. */
  readonly validateResult?: StandaloneValidator;
}

/** A catalog's retry policy, with the worker's `TaskOptions` names (Celery's task retry attributes). */
export interface CatalogRetryPolicy {
  readonly maxRetries?: number | null;
  readonly defaultRetryDelay?: number;
  /** Exception class names (the thrown error's `name`). */
  readonly autoretryFor?: readonly string[];
  readonly retryBackoff?: boolean | number;
  readonly retryBackoffMax?: number;
  readonly retryJitter?: boolean;
}

/**
 * A task from a catalog: a `TaskDescriptor` (so `client.enqueue` and `registry.register` accept it) that validates
 * arguments before publishing and on receipt, plus the phantom types the typed producers and worker stubs read.
 */
export interface CatalogTask<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>> extends TaskDescriptor<A, R, K> {
  readonly spec: CatalogTaskSpec;
  readonly validate: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => void;
  /** Throws a `CeleryProtoError` (`InvalidResult`) when `value` breaks the result schema. */
  readonly validateResult: (value: unknown) => void;
  /** Phantom fields carrying the argument types; never set at run time. */
  readonly __args?: A;
  readonly __kwargs?: K;
}

/** Any catalog task, whatever its types (the constraint of generic helpers; the type parameters are covariant). */
export type AnyCatalogTask = CatalogTask<readonly unknown[], unknown, Readonly<Record<string, unknown>>>;

/** The argument tuple of a catalog task. */
export type TaskArgs<T> = T extends { readonly __args?: infer A extends readonly unknown[] } ? A : never;
/** The result type of a catalog task. */
export type TaskResult<T> = T extends { readonly __result?: infer R } ? R : never;
/** The keyword argument object type of a catalog task. */
export type TaskKwargs<T> = T extends { readonly __kwargs?: infer K extends Readonly<Record<string, unknown>> } ? K : never;

/**
 * Builds a catalog task from its generated spec. Generated files call this once per task with explicit type
 * arguments: `defineCatalogTask<[x: number, y: number], number, {}>({ name: "tasks.add", ... })`.
 */
export function defineCatalogTask<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>>(spec: CatalogTaskSpec): CatalogTask<A, R, K> {
  return Object.freeze({
    name: spec.name,
    spec,
    ...(spec.defaults === undefined ? {} : { defaults: spec.defaults }),
    validate: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => checkTaskArguments(spec, args, kwargs),
    validateResult: (value: unknown) => checkTaskResult(spec, value),
  });
}
