import type { TaskContext } from "./task-context.js";

/**
 * A task implementation: receives the positional args, the keyword args and a context; returns (or resolves with)
 * the result, which is stored as Celery stores a Python task's return value.
 *
 * Arguments arrive as the producer wrote them: an integer beyond ±2^53 (`Number.MAX_SAFE_INTEGER`) from Python is an
 * exact `bigint` (type such a parameter `number | bigint`), a float `nan`/`inf` is `NaN`/`±Infinity`. A returned
 * `bigint` is stored as an exact Python int; NaN and ±Infinity as Python's json writes them.
 */
export type TaskHandler<
  A extends readonly unknown[] = readonly unknown[],
  K extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
  R = unknown,
> = (args: A, kwargs: K, context: TaskContext) => R | Promise<R>;
