import type { WorkerState } from "../app/worker-state.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder } from "../outcomes/outcome-recorder.js";
import { buildTaskRequest } from "../request/build-task-request.js";
import { headerOnlyMessage } from "../request/header-only-message.js";

/** States a revoke may overwrite (C:celery/worker/control.py `_revoke`, Celery >= 5.6.2). */
const OVERWRITABLE: ReadonlySet<string> = new Set(["PENDING", "RECEIVED", "RETRY", "REJECTED"]);

/** Reads a task's stored state (the worker recorder's result store has it). */
export interface StatusReader {
  getStatus(taskId: string): Promise<string>;
}

/**
 * `revoke` of ids not executing here: REVOKED (`TaskRevokedError('revoked')`) is stored for every id whose stored
 * state is still PENDING, RECEIVED, RETRY or REJECTED, so a Python client waiting on it gets `TaskRevokedError` now;
 * a ready result, or a task another worker started, is left alone. A held (ETA or reserved) request is recorded with
 * its own request; others with their id only. Without a status reader nothing is stored (it could overwrite a result).
 */
export async function markRevoked(
  ids: readonly string[],
  outcomes: OutcomeRecorder,
  status: StatusReader | null,
  state: WorkerState,
  hostname: string,
  logger: WorkerLogger,
): Promise<void> {
  if (status === null) return;
  for (const id of ids) {
    try {
      if (!OVERWRITABLE.has(await status.getStatus(id))) continue;
      const held = state.reserved.get(id) ?? state.scheduled.get(id);
      await outcomes.revoked(held?.request ?? buildTaskRequest(headerOnlyMessage({ id, task: "" }), hostname), "revoked");
    } catch (e) {
      logger.warning(`Failed to mark task ${id} as revoked in backend: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The status reader of a recorder that has a result store (`createWorkerOutcomes`), or null. */
export function statusReaderOf(outcomes: object): StatusReader | null {
  const store = (outcomes as { readonly store?: Partial<StatusReader> }).store;
  return typeof store?.getStatus === "function" ? (store as StatusReader) : null;
}
