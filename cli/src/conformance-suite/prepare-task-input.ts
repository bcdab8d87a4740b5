import { randomUUID } from "node:crypto";
import type { CanvasNode, TaskInput } from "./conformance-case.js";

/** A task input with ids fixed before sending: the task's own (`task_id`), its first link callback's and its first link_error errback's. */
export interface PreparedTask {
  readonly node: CanvasNode & { readonly task: string };
  readonly taskId: string;
  readonly linkId: string | null;
  readonly linkErrorId: string | null;
}

/** Gives the task (and its first link callback and errback, so their results can be awaited) an id unless the case set one. */
export function prepareTaskInput(input: TaskInput): PreparedTask {
  const taskId = typeof input.options["task_id"] === "string" ? input.options["task_id"] : randomUUID();
  const options: Record<string, unknown> = { ...input.options, task_id: taskId };
  const callbackId = (key: "link" | "link_error"): string | null => {
    const callback = input.options[key] as CanvasNode | undefined;
    if (callback === undefined || !("task" in callback)) return null;
    const id = typeof callback.options["task_id"] === "string" ? callback.options["task_id"] : randomUUID();
    options[key] = { ...callback, options: { ...callback.options, task_id: id } };
    return id;
  };
  const linkId = callbackId("link");
  const linkErrorId = callbackId("link_error");
  return { node: { task: input.task, args: input.args, kwargs: input.kwargs, options }, taskId, linkId, linkErrorId };
}
