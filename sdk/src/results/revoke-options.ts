/** Options of `revoke()`: the arguments of Celery's `revoke` remote-control command. */
export interface RevokeOptions {
  /** Also kill the pool process running the task, if it already started. Default `false`. */
  readonly terminate?: boolean;
  /** The signal sent with `terminate` (a name such as `SIGKILL`, or a number). Default `"SIGTERM"` (Celery's `TERM_SIGNAME`). */
  readonly signal?: string | number;
}
