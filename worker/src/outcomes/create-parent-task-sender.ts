import type { SendTaskOptions } from "../../../sdk/src/client/send-task-options.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";

/** The task whose worker is publishing (Celery's `app.current_worker_task`). */
export interface ParentTask {
  readonly id: string;
  readonly rootId: string | null;
  /** The delivery priority, inherited with `task_inherit_parent_priority`; null otherwise (or when it had none). */
  readonly inheritedPriority: number | null;
}

/**
 * A sender that publishes the way Celery's worker does from inside a running task, through `Task.apply_async` of the
 * task it applies (C:celery/app/task.py, C:celery/app/base.py `send_task`): a message without a `root_id` gets the
 * task's root (or its id), one without a `parent_id` gets the task's id; one without a priority gets the inherited
 * delivery priority (`task_inherit_parent_priority`, as the tracer passes it), else `null`: the task's exec option
 * `priority=None` (`extract_exec_options`, no `task_default_priority`), which the router keeps for a named queue, so
 * the message goes out without a `priority` property, and drops on the default queue or a route (priority 0).
 * Everything else is passed through (the backend, broadcasts).
 */
export function createParentTaskSender(sender: TaskSender, parent: ParentTask): TaskSender {
  return {
    backend: sender.backend,
    sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string> {
      const filled: SendTaskOptions = {
        ...options,
        rootId: options.rootId || parent.rootId || parent.id,
        parentId: options.parentId || parent.id,
        priority: options.priority === undefined ? parent.inheritedPriority : options.priority,
      };
      return sender.sendTask(name, args, kwargs, filled);
    },
    broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
      return sender.broadcast(method, args);
    },
  };
}
