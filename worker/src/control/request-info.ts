import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";
import type { HeldRequest } from "../app/worker-state.js";

/**
 * Celery's `Request.info(safe)` (C:celery/worker/request.py): what `active`, `reserved`, `scheduled` and
 * `query_task` show for a request. `safe` replaces args/kwargs by their reprs. `worker_pid` is set once the task
 * runs (this process for in-process pools), null before.
 */
export function requestInfo(held: HeldRequest, safe = false): Record<string, unknown> {
  const r = held.request;
  const delivery = r.deliveryInfo;
  return {
    id: r.id,
    name: r.name,
    args: safe ? r.argsrepr : r.args,
    kwargs: safe ? r.kwargsrepr : r.kwargs,
    type: r.task,
    hostname: r.hostname,
    time_start: held.timeStart === null ? null : new PyFloat(held.timeStart),
    acknowledged: held.acknowledged,
    delivery_info: {
      exchange: delivery?.exchange ?? null,
      routing_key: delivery?.routingKey ?? null,
      priority: delivery?.priority ?? held.priority ?? null,
      redelivered: delivery?.redelivered ?? false,
    },
    worker_pid: held.timeStart === null ? null : process.pid,
  };
}
