import { formatPythonIsoformat } from "../../../sdk/src/codec/time/iso-datetime.js";
import { READY_STATES } from "../../../sdk/src/results/task-states.js";
import type { ResultWrite } from "./result-store.js";

export interface MetaOptions {
  /** Celery's `result_extended`. */
  readonly resultExtended: boolean;
  /** `app.now()`: the clock for `date_done`. */
  readonly now: () => Date;
}

/**
 * The task meta document exactly as Celery 5.7 builds it (`_get_result_meta` then `meta['task_id'] = ...`), with its
 * key order: `status, result, traceback, children, date_done`, then `group_id` and `parent_id` when the request has
 * them, then the `result_extended` fields (`name, args, kwargs, worker, retries, queue`, plus `stamped_headers` and
 * the stamps), and `task_id` last. `date_done` is the aware UTC `isoformat()` for ready states, else null.
 */
export function buildResultMeta(write: ResultWrite, options: MetaOptions): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    status: write.state,
    result: write.result,
    traceback: write.traceback,
    children: write.children,
    date_done: READY_STATES.has(write.state) ? formatPythonIsoformat(options.now()) : null,
  };
  const context = write.context;
  if (context !== null && context.groupId) meta["group_id"] = context.groupId;
  if (context !== null && context.parentId) meta["parent_id"] = context.parentId;
  if (options.resultExtended && context !== null) {
    meta["name"] = context.task;
    meta["args"] = context.args;
    meta["kwargs"] = context.kwargs;
    meta["worker"] = context.hostname;
    meta["retries"] = context.retries;
    meta["queue"] = context.queue;
    if (context.stamps !== null && Object.keys(context.stamps).length > 0) {
      const stamped = context.stampedHeaders ?? [];
      meta["stamped_headers"] = context.stampedHeaders;
      for (const [key, value] of Object.entries(context.stamps)) if (stamped.includes(key)) meta[key] = value;
    }
  }
  meta["task_id"] = write.taskId;
  return meta;
}
