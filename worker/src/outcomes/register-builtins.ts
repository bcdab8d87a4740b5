import { applyCanvas } from "../../../sdk/src/canvas/apply-async.js";
import { chord } from "../../../sdk/src/canvas/chord.js";
import { frozenResultTuple } from "../../../sdk/src/canvas/frozen-result.js";
import { fromSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import type { Signature } from "../../../sdk/src/canvas/signature.js";
import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { TaskContext } from "../app/task-context.js";
import type { TaskRegistry } from "../app/task-registry.js";
import { NotRegistered } from "../errors/task-control-errors.js";
import { createParentTaskSender } from "./create-parent-task-sender.js";

type Kwargs = Readonly<Record<string, unknown>>;

/** A Python built-in exception by name (`errorToExceptionInfo` maps it to `builtins`). */
function pythonError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A task's argument by name, or by position when sent positionally (Python binds both). */
function argument(args: readonly unknown[], kwargs: Kwargs, name: string, index: number): unknown {
  return name in kwargs ? kwargs[name] : args[index];
}

function asList(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) throw pythonError("TypeError", `${name} must be a list`);
  return value;
}

/** The publishing sender seen from inside the built-in task (parent/root ids from its request). */
function senderFor(sender: TaskSender, context: TaskContext): TaskSender {
  return createParentTaskSender(sender, { id: context.request.id, rootId: context.request.rootId, inheritedPriority: null });
}

/**
 * Registers Celery's built-in tasks (C:celery/app/builtins.py) on a registry, with Celery's behaviour:
 * - `celery.map(task, it)` / `celery.starmap(task, it)`: the referenced task's handler is called in-process for each
 *   item (`task(item)` / `task(*item)`: only the item, not the signature's own args), results as a list;
 * - `celery.chunks(task, it, n)`: publishes the group of `celery.starmap` chunks, returns its result tuple;
 * - `celery.group(tasks, result, group_id, partial_args)`: each task cloned with the partial args and published with
 *   the group id; returns `result`;
 * - `celery.chord(header, body, partial_args, ...)`: runs the chord (header published, chord size stored), returns the
 *   body's result tuple;
 * - `celery.accumulate(*args, index=None)`: `args[index]`, or all args;
 * - `celery.chain`: raises NotImplementedError, as in Celery; `celery.backend_cleanup`: nothing to do for Redis/RPC.
 */
export function registerBuiltins(registry: TaskRegistry, sender: TaskSender): void {
  const callEach =
    (spread: boolean) =>
    async (args: readonly unknown[], kwargs: Kwargs, context: TaskContext): Promise<unknown[]> => {
      const sig = fromSignatureDict(argument(args, kwargs, "task", 0));
      const target = registry.get(sig.task);
      if (target === undefined) throw new NotRegistered(sig.task);
      const results: unknown[] = [];
      for (const item of asList(argument(args, kwargs, "it", 1), "it")) {
        const itemArgs = spread ? [...asList(item, "each item of it")] : [item];
        target.validate?.(itemArgs, {});
        results.push(await target.handler(itemArgs, {}, context));
      }
      return results;
    };
  registry.register("celery.map", callEach(false));
  registry.register("celery.starmap", callEach(true));

  registry.register("celery.chunks", async (args, kwargs, context) => {
    const chunksSig: Signature = {
      task: "celery.chunks",
      args: [],
      kwargs: { task: argument(args, kwargs, "task", 0), it: asList(argument(args, kwargs, "it", 1), "it"), n: argument(args, kwargs, "n", 2) },
      options: {},
      subtask_type: null,
      immutable: true,
    };
    return frozenResultTuple((await applyCanvas(chunksSig, senderFor(sender, context))).frozen);
  });

  registry.register("celery.group", async (args, kwargs, context) => {
    const tasks = asList(argument(args, kwargs, "tasks", 0), "tasks");
    const result = argument(args, kwargs, "result", 1);
    const groupId = argument(args, kwargs, "group_id", 2);
    const partialArgs = asList(argument(args, kwargs, "partial_args", 3) ?? [], "partial_args");
    const publisher = senderFor(sender, context);
    for (const task of tasks) {
      await applyCanvas(fromSignatureDict(task), publisher, { args: partialArgs, options: typeof groupId === "string" ? { groupId } : {} });
    }
    return result;
  });

  registry.register(
    "celery.chord",
    async (args, kwargs, context) => {
      const {
        header,
        body,
        partial_args: partial,
        interval: _i,
        countdown: _c,
        max_retries: _m,
        eager: _e,
        ...options
      } = { ...kwargs } as Record<string, unknown>;
      const headerValue = header ?? args[0];
      const bodyValue = body ?? args[1];
      const headerSig = Array.isArray(headerValue) ? headerValue.map((s) => fromSignatureDict(s)) : fromSignatureDict(headerValue);
      const chordSig = chord(headerSig, bodyValue === null || bodyValue === undefined ? null : fromSignatureDict(bodyValue));
      const withOptions: Signature = { ...chordSig, options: { ...chordSig.options, ...options } };
      const partialArgs = asList(partial ?? args[2] ?? [], "partial_args");
      return frozenResultTuple((await applyCanvas(withOptions, senderFor(sender, context), { args: partialArgs })).frozen);
    },
    { ignoreResult: false },
  );

  registry.register("celery.accumulate", (args, kwargs) => {
    const index = kwargs["index"];
    if (index === null || index === undefined) return [...args];
    if (typeof index !== "number" || !Number.isInteger(index)) throw pythonError("TypeError", "tuple indices must be integers or slices");
    const position = index < 0 ? args.length + index : index;
    if (position < 0 || position >= args.length) throw pythonError("IndexError", "tuple index out of range");
    return args[position];
  });

  registry.register("celery.chain", () => {
    throw pythonError("NotImplementedError", "chain is not a real task");
  });
  registry.register("celery.backend_cleanup", () => null);
}
