import type { HeldEntry } from "../consumer/held-entry.js";
import type { TaskEventBase } from "./worker-event-map.js";

/** The fields every `task:*` event shares, from the held request and its delivery. */
export function taskEventBase({ request, delivery }: HeldEntry): TaskEventBase {
  return { taskId: request.id, taskName: request.name, args: request.args, kwargs: request.kwargs, request, queue: delivery.queue };
}
