import type { TaskSender } from "../client/task-sender.js";
import type { FreezeContext } from "./freeze-context.js";

/** Internal: what applying a canvas needs. */
export interface ApplyContext extends FreezeContext {
  readonly sender: TaskSender;
}
