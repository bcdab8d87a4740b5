import { randomUUID } from "node:crypto";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta } from "../gen/json-schema/types.js";
import type { ResultBackend } from "./result-backend.js";

/** The backend of a client configured without one: sending works, reading results is refused (as in Celery). */
export class DisabledResultBackend implements ResultBackend {
  readonly kind = "disabled" as const;
  readonly replyTo = randomUUID();

  async onTaskCall(): Promise<void> {}

  getMeta(): Promise<ResultMeta> {
    return Promise.reject(notConfigured());
  }
  waitForReady(): Promise<ResultMeta> {
    return Promise.reject(notConfigured());
  }
  forget(): Promise<void> {
    return Promise.reject(notConfigured());
  }
  saveGroup(): Promise<void> {
    return Promise.reject(notConfigured());
  }
  restoreGroup(): Promise<string[] | null> {
    return Promise.reject(notConfigured());
  }
  setChordSize(): Promise<void> {
    return Promise.reject(notConfigured());
  }
  async close(): Promise<void> {}
}

function notConfigured(): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", "backend: no result backend is configured; pass backend (redis://... or rpc://) to createClient");
}
