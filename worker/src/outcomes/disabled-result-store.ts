import type { ResultStore } from "./result-store.js";

/**
 * No result backend (Celery's `DisabledBackend`): states are not written, chord parts are not counted; callbacks,
 * chain steps, errbacks and retries are still published by the recorder, as a Celery worker without a backend does.
 */
export class DisabledResultStore implements ResultStore {
  readonly kind = "disabled" as const;

  async storeResult(): Promise<void> {}

  async getStatus(): Promise<string> {
    return "PENDING";
  }

  async onChordPartReturn(): Promise<void> {}

  async close(): Promise<void> {}
}
