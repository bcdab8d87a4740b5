import type { TaskContext } from "./task-context.js";

/**
 * A task implementation: receives the positional args, the keyword args and a context; returns (or resolves with)
 * the result, which is stored as Celery stores a Python task's return value.
 */
export type TaskHandler<A extends readonly unknown[] = readonly unknown[], K extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>, R = unknown> = (
  args: A,
  kwargs: K,
  context: TaskContext,
) => R | Promise<R>;
