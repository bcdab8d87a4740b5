import { cloneMutable } from "./clone-signature.js";
import { linkErrorMutable, linkMutable } from "./link-signature.js";
import { maybeList, tasksOf, type MutableSignature } from "./mutable-signature.js";

/**
 * Celery's `_chain.unchain_tasks`: clones of the chain's steps, the chain's `link` callbacks linked to the last step
 * and its `link_error` errbacks to every step.
 */
export function unchainTasks(chain: MutableSignature): MutableSignature[] {
  const tasks = tasksOf(chain).map((t) => cloneMutable(t));
  const last = tasks[tasks.length - 1];
  for (const cb of maybeList(chain.options["link"] as MutableSignature | MutableSignature[] | undefined) ?? []) {
    if (last !== undefined) linkMutable(last, cb);
  }
  for (const eb of maybeList(chain.options["link_error"] as MutableSignature | MutableSignature[] | undefined) ?? []) {
    for (const task of tasks) linkErrorMutable(task, eb, false);
  }
  return tasks;
}
