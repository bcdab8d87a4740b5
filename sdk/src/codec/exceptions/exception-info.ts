/** How Celery stores an exception in a result (C:celery/backends/base.py `prepare_exception`, non-pickle). */
export interface ExceptionInfo {
  /** The class's `__qualname__`, e.g. `ValueError`. */
  readonly exc_type: string;
  /** The exception's `args`, as a list (Python instantiates `cls(*exc_message)`); a string in some older payloads. */
  readonly exc_message: readonly unknown[] | string;
  /** The class's module, e.g. `builtins`, `celery.exceptions`; null makes Python build a dynamic class. */
  readonly exc_module: string | null;
}
