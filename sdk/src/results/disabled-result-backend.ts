import { randomUUID } from "node:crypto";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta } from "../gen/json-schema/types.js";
import type { ResultBackend } from "./result-backend.js";

/**
 * No result backend (Celery's `DisabledBackend`, `result_backend = None`): tasks can be sent (messages still carry a
 * `reply_to`), but reading a result rejects with `InvalidOption`, as Celery raises "No result backend is configured".
 */
export class DisabledResultBackend implements ResultBackend {
  readonly kind = "disabled" as const;
  readonly replyTo: string;

  constructor(replyTo: string = randomUUID()) {
    this.replyTo = replyTo;
  }

  async onTaskCall(_taskId: string): Promise<void> {}

  async getMeta(_taskId: string): Promise<ResultMeta> {
    throw noBackend();
  }

  async waitForReady(_taskId: string): Promise<ResultMeta> {
    throw noBackend();
  }

  async forget(_taskId: string): Promise<void> {
    throw noBackend();
  }

  async saveGroup(_groupId: string, _taskIds: readonly string[]): Promise<void> {
    throw noBackend();
  }

  async restoreGroup(_groupId: string): Promise<string[] | null> {
    throw noBackend();
  }

  async setChordSize(_groupId: string, _size: number): Promise<void> {
    throw new CeleryProtoError("InvalidOption", "Starting chords requires a result backend to be configured (set the client's backend option, e.g. redis://)");
  }

  async close(): Promise<void> {}
}

function noBackend(): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", "No result backend is configured (set the client's backend option, e.g. redis:// or rpc://)");
}
