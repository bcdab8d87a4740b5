import type { SendTaskOptions } from "../../../sdk/src/client/send-task-options.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";

/** The task whose worker is publishing (Celery's `app.current_worker_task`). */
export interface ParentTask {
  readonly id: string;
  readonly rootId: string | null;
  /** The delivery priority, inherited with `task_inherit_parent_priority`; null otherwise. */
  readonly inheritedPriority: number | null;
}

/**
 * A sender that publishes the way Celery's `send_task` does from inside a running task: a message without a
 * `root_id` gets the task's root (or its id), one without a `parent_id` gets the task's id, and with
 * `task_inherit_parent_priority` one without a priority gets the task's delivery priority. Everything else is
 * passed through (the backend, broadcasts).
 */
export function createParentTaskSender(sender: TaskSender, parent: ParentTask): TaskSender {
  return {
    backend: sender.backend,
    sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string> {
      const filled: SendTaskOptions = {
        ...options,
        rootId: options.rootId || parent.rootId || parent.id,
        parentId: options.parentId || parent.id,
        ...(options.priority === undefined && parent.inheritedPriority !== null ? { priority: parent.inheritedPriority } : {}),
      };
      return sender.sendTask(name, args, kwargs, filled);
    },
    broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
      return sender.broadcast(method, args);
    },
  };
}
