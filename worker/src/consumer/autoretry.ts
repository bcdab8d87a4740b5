import type { RetryOptions } from "../app/task-context.js";
import type { RegisteredTask } from "../app/task-registry.js";

/** Whether a task's `autoretryFor` lists the error: by class (`instanceof`) or by name (`err.name` / `excType`). */
export function matchesAutoretry(task: RegisteredTask, error: unknown): boolean {
  const list = task.options.autoretryFor;
  if (list.length === 0) return false;
  const e = error as { readonly name?: unknown; readonly excType?: unknown } | null;
  return list.some((entry) =>
    typeof entry === "string" ? typeof e === "object" && e !== null && (e.name === entry || e.excType === entry) : error instanceof entry,
  );
}

/**
 * The retry Celery's autoretry wrapper asks for (C:celery/app/autoretry.py): `exc` = the error and, with
 * `retryBackoff`, `countdown = min(retryBackoffMax, factor × 2^retries)` with `factor = int(max(1, retryBackoff))`,
 * then full jitter (`random.randrange(countdown + 1)`) unless `retryJitter` is false, never below 0. Without backoff
 * the countdown is left to the task's `defaultRetryDelay`.
 */
export function autoretryOptions(task: RegisteredTask, retries: number, error: unknown, random: () => number = Math.random): RetryOptions {
  const backoff = task.options.retryBackoff;
  if (backoff === false || backoff === 0) return { exc: error };
  const factor = Math.trunc(Math.max(1, backoff === true ? 1 : backoff));
  let countdown = Math.min(task.options.retryBackoffMax, factor * 2 ** retries);
  if (task.options.retryJitter) countdown = Math.floor(random() * (Math.trunc(countdown) + 1));
  return { exc: error, countdown: Math.max(0, countdown) };
}
