import type { TaskRequest } from "../request/task-request.js";
import type { TaskEventBase } from "./worker-event-map.js";

/** The fields every `task:*` event shares, from the request. */
export function taskEventBase(request: TaskRequest): TaskEventBase {
  return { taskId: request.id, taskName: request.name, args: request.args, kwargs: request.kwargs, request };
}
