import type { ResultBackend } from "./result-backend.js";

/**
 * What results need from the client that sent the tasks: its result backend and, for `revoke()`, remote-control
 * broadcast. A `TaskSender` is one.
 */
export interface ResultApp {
  readonly backend: ResultBackend;
  /** Broadcasts a remote-control command to every worker, no reply (`TaskSender.broadcast`). Needed by `revoke()`. */
  broadcast?(method: string, args: Readonly<Record<string, unknown>>): Promise<void>;
}
