// runSetupWorker: the task module's setupWorker(worker) export (or a module-shaped default's), awaited; refusals name
// app, setupWorker and the module file. The CLI path is live-tested in conformance/tests/worker-setup-hook.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createWorker } from "../src/create-worker.js";
import type { TaskModule } from "../src/load-task-module.js";
import { runSetupWorker } from "../src/run-setup-worker.js";
import type { Worker } from "../src/worker.js";

const FILE = "/app/tasks.ts";

describe("runSetupWorker", () => {
  const worker = createWorker({ broker: "memory://" });

  it("awaits a named or module-shaped default setupWorker with the worker", async () => {
    const seen: Worker[] = [];
    await runSetupWorker({ setupWorker: async (w) => void seen.push(w) }, FILE, worker);
    await runSetupWorker({ default: { tasks: {}, setupWorker: (w: Worker) => void seen.push(w) } }, FILE, worker);
    assert.deepEqual(seen, [worker, worker]);
  });

  it("does nothing without one; a default that is a tasks map is not read for it", async () => {
    await runSetupWorker({ tasks: {} }, FILE, worker);
    await runSetupWorker({ default: { setupWorker: () => assert.fail("a tasks map entry, not a hook") } }, FILE, worker);
  });

  it("refuses one that throws, rejects or is not a function, naming setupWorker and the file", async () => {
    const cases: ReadonlyArray<readonly [TaskModule, RegExp]> = [
      [
        {
          setupWorker: () => {
            throw new Error("boom");
          },
        },
        /^app: setupWorker\(worker\) exported by \/app\/tasks\.ts failed: boom$/,
      ],
      [{ setupWorker: () => Promise.reject(new Error("later")) }, /^app: setupWorker\(worker\) exported by \/app\/tasks\.ts failed: later$/],
      [{ setupWorker: 42 } as unknown as TaskModule, /^app: setupWorker exported by \/app\/tasks\.ts must be a function/],
    ];
    for (const [module, message] of cases)
      await assert.rejects(runSetupWorker(module, FILE, worker), (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && message.test(e.message));
  });
});
