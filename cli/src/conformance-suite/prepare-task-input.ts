import { randomUUID } from "node:crypto";
import type { CanvasNode, TaskInput } from "./conformance-case.js";

/** A task input with ids fixed before sending: the task's own (`task_id`) and its first link callback's. */
export interface PreparedTask {
  readonly node: CanvasNode & { readonly task: string };
  readonly taskId: string;
  readonly linkId: string | null;
}

/** Gives the task (and its first link callback, so its result can be awaited) an id unless the case set one. */
export function prepareTaskInput(input: TaskInput): PreparedTask {
  const taskId = typeof input.options["task_id"] === "string" ? input.options["task_id"] : randomUUID();
  const options: Record<string, unknown> = { ...input.options, task_id: taskId };
  let linkId: string | null = null;
  const link = input.options["link"] as CanvasNode | undefined;
  if (link !== undefined && "task" in link) {
    linkId = typeof link.options["task_id"] === "string" ? link.options["task_id"] : randomUUID();
    options["link"] = { ...link, options: { ...link.options, task_id: linkId } };
  }
  return { node: { task: input.task, args: input.args, kwargs: input.kwargs, options }, taskId, linkId };
}
