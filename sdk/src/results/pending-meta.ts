import type { ResultMeta } from "../gen/json-schema/types.js";

/** The meta of a task nothing is stored for: Celery's `{"status": "PENDING", "result": None}`, plus the id. */
export function createPendingMeta(taskId: string): ResultMeta {
  return { status: "PENDING", result: null, task_id: taskId };
}
