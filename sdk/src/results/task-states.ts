/** States in which a task has finished and its result will not change (C:celery/states.py READY_STATES). */
export const READY_STATES: ReadonlySet<string> = new Set(["SUCCESS", "FAILURE", "REVOKED"]);

/** States whose stored exception is raised by `get()` (C:celery/states.py PROPAGATE_STATES). */
export const PROPAGATE_STATES: ReadonlySet<string> = new Set(["FAILURE", "REVOKED"]);

/**
 * True when a task in `state` has finished. Custom states written with `update_state` are never ready, so waiting
 * on a task that reports one keeps waiting, as in Celery.
 */
export function isReadyState(state: string): boolean {
  return READY_STATES.has(state);
}
