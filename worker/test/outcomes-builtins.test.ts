// Celery's built-in tasks registered by registerBuiltins: map/starmap run the referenced handler in-process,
// chunks/group/chord publish (RecordingTaskSender), accumulate picks its argument, chain refuses to run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chunks } from "../../sdk/src/canvas/chunks.js";
import { RecordingTaskSender } from "../../sdk/src/canvas/recording-task-sender.js";
import { toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import { taskRef } from "../../sdk/src/canvas/task-ref.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskContext } from "../src/app/task-context.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { registerBuiltins } from "../src/outcomes/register-builtins.js";
import { requestFromMessage } from "./outcomes-helpers.js";

const add = taskRef("conformance.add");

function setup() {
  const registry = new TaskRegistry();
  const sender = new RecordingTaskSender();
  const seen: unknown[][] = [];
  registry.register("conformance.add", (args: readonly unknown[]) => {
    seen.push([...args]);
    return (args[0] as number) + ((args[1] as number | undefined) ?? 100);
  });
  registerBuiltins(registry, sender);
  const context: TaskContext = {
    request: requestFromMessage(createTaskMessage({ task: "celery.builtin", id: "builtin-id", rootId: "root-id" })),
    signal: new AbortController().signal,
    retry: () => {
      throw new Error("no retry here");
    },
    updateState: async () => {},
  };
  const run = (name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => registry.get(name)!.handler(args, kwargs, context);
  return { registry, sender, seen, run };
}

describe("registerBuiltins", () => {
  it("registers Celery's built-in names", () => {
    const { registry } = setup();
    for (const name of [
      "celery.map",
      "celery.starmap",
      "celery.chunks",
      "celery.group",
      "celery.chord",
      "celery.accumulate",
      "celery.chain",
      "celery.backend_cleanup",
    ])
      assert.ok(registry.has(name), name);
    assert.equal(registry.get("celery.chord")!.options.ignoreResult, false);
  });

  it("celery.map calls task(item), celery.starmap task(*item), in-process; the signature's own args are not used", async () => {
    const { run, seen, sender } = setup();
    assert.deepEqual(await run("celery.map", [], { task: toSignatureDict(add.s(5)), it: [1, 2] }), [101, 102]);
    assert.deepEqual(
      await run("celery.starmap", [], {
        task: toSignatureDict(add.s()),
        it: [
          [1, 2],
          [3, 4],
        ],
      }),
      [3, 7],
    );
    assert.deepEqual(seen, [[1], [2], [1, 2], [3, 4]]);
    assert.equal(sender.sent.length, 0);
    await assert.rejects(async () => run("celery.map", [], { task: toSignatureDict(taskRef("nope").s()), it: [1] }), { name: "NotRegistered" });
  });

  it("celery.chunks publishes a group of celery.starmap parts and returns its tuple", async () => {
    const { run, sender } = setup();
    const chunked = chunks(
      add.s(),
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      2,
    );
    const result = (await run("celery.chunks", [], chunked.kwargs)) as [[string, null], unknown[]];
    assert.deepEqual(
      sender.sent.map((s) => [s.name, (s.kwargs["it"] as unknown[]).length, s.options.parentId, s.options.rootId]),
      [
        ["celery.starmap", 2, "builtin-id", "root-id"],
        ["celery.starmap", 1, "builtin-id", "root-id"],
      ],
    );
    assert.equal(result[0][0], sender.sent[0]!.options.groupId);
    assert.equal(result[1].length, 2);
  });

  it("celery.group applies each task with the partial args and the group id, returns `result`", async () => {
    const { run, sender } = setup();
    const tuple = [["gid", null], [[["a", null], null]]];
    const result = await run("celery.group", [], {
      tasks: [toSignatureDict(add.s(1)), toSignatureDict(add.si(9, 9))],
      result: tuple,
      group_id: "gid",
      partial_args: [7],
    });
    assert.deepEqual(result, tuple);
    assert.deepEqual(
      sender.sent.map((s) => [s.args, s.options.groupId]),
      [
        [[7, 1], "gid"],
        [[9, 9], "gid"],
      ],
    );
  });

  it("celery.chord publishes the header (chord size first) and returns the body's tuple with the header as parent", async () => {
    const { run, sender } = setup();
    const result = (await run("celery.chord", [], {
      header: [toSignatureDict(add.s(1, 1)), toSignatureDict(add.s(2, 2))],
      body: toSignatureDict(taskRef("conformance.xsum").s()),
    })) as [[string, [[string, null], unknown[]]], null];
    assert.deepEqual(
      sender.log.map((e) => e.op),
      ["send", "set_chord_size", "send"],
    );
    const gid = sender.sent[0]!.options.groupId!;
    assert.deepEqual(result[0][1][0], [gid, null]);
    assert.equal((sender.sent[0]!.options.chord as { options: { task_id: string } }).options.task_id, result[0][0]);
  });

  it("celery.accumulate: args[index] or all args; celery.chain raises NotImplementedError", async () => {
    const { run } = setup();
    assert.deepEqual(await run("celery.accumulate", [1, 2, 3], {}), [1, 2, 3]);
    assert.equal(await run("celery.accumulate", [1, 2, 3], { index: -1 }), 3);
    await assert.rejects(async () => run("celery.accumulate", [1], { index: 4 }), { name: "IndexError" });
    await assert.rejects(async () => run("celery.chain", [], {}), { name: "NotImplementedError", message: "chain is not a real task" });
  });
});
