import type { Signature } from "../gen/json-schema/types.js";
import type { ResultBackend } from "../results/result-backend.js";
import type { SendTaskOptions } from "./send-task-options.js";

/**
 * What canvas and results need from a client: publish one task message with apply_async semantics, and the
 * result backend. `sendTask` resolves with the task id once the broker accepted the message.
 */
export interface TaskSender {
  readonly backend: ResultBackend;
  sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string>;
  /** Broadcasts a remote-control command to workers (no reply), e.g. `revoke`. */
  broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void>;
}

export type { Signature };
