// Misspelled task options are refused, naming the key and the option meant, however the task is registered:
// registry.register, a task module's `{ handler, options }` (proto worker -A), implementTasks.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { DEFAULT_TASK_OPTIONS, TASK_OPTION_NAMES, type TaskOptions } from "../src/app/task-options.js";
import { loadTaskModule } from "../src/load-task-module.js";

const refused = (message: string) => (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message === message;

describe("task options", () => {
  it("an unknown key is refused with the nearest valid name", () => {
    const registry = new TaskRegistry();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ acksLte: true }, 'acksLte: not a task option of "t.a"; did you mean acksLate?'],
      [{ acks_late: true }, 'acks_late: not a task option of "t.a"; did you mean acksLate?'],
      [{ timelimit: 5 }, 'timelimit: not a task option of "t.a"; did you mean timeLimit?'],
      [{ maxRetires: 5 }, 'maxRetires: not a task option of "t.a"; did you mean maxRetries?'],
    ];
    for (const [options, message] of cases) assert.throws(() => registry.register("t.a", () => 1, options as TaskOptions), refused(message));
    assert.throws(
      () => registry.register("t.a", () => 1, { queue: "q" } as TaskOptions),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /^queue: not a task option of "t\.a"; known: acksLate, .*, trackStarted$/.test(e.message),
    );
    assert.equal(registry.has("t.a"), false, "nothing registered");
  });

  it("every valid option passes (and undefined values count as absent)", () => {
    const registry = new TaskRegistry();
    const all: Required<TaskOptions> = { ...DEFAULT_TASK_OPTIONS, acksOnFailure: true, acksOnTimeout: true, serializer: "json", pool: "async" };
    assert.deepEqual([...TASK_OPTION_NAMES].sort(), Object.keys(all).sort());
    registry.register("t.all", () => 1, all);
    registry.register("t.undefined", () => 1, { acksLate: undefined, ...({ notAnOption: undefined } as TaskOptions) });
    assert.deepEqual(registry.names(), ["t.all", "t.undefined"]);
  });

  it("a task module's { handler, options } with a misspelled option fails loading, naming it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "task-options-"));
    writeFileSync(path.join(dir, "tasks.mjs"), 'export const tasks = { "m.late": { handler: () => 1, options: { acksLte: true } } };');
    await assert.rejects(loadTaskModule("tasks.mjs", new TaskRegistry(), dir), refused('acksLte: not a task option of "m.late"; did you mean acksLate?'));
    writeFileSync(path.join(dir, "entry.mjs"), 'export const tasks = { "m.late": { handler: () => 1, option: { acksLate: true } } };');
    await assert.rejects(
      loadTaskModule("entry.mjs", new TaskRegistry(), dir),
      refused('option: not a key of tasks["m.late"] ({ handler, options }); did you mean options?'),
    );
  });
});
