// The process pool's child limits as Celery's prefork pool applies them: maxMemoryPerChild replaces a child whose
// resident memory is above the limit after a task (billiard), `info()` gives stats' pool fields; and the `autoscale`,
// `pool_grow`, `pool_shrink` control commands with and without an autoscaler.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import type { WorkerControl } from "../src/app/worker-control.js";
import type { ControlContext } from "../src/control/control-context.js";
import { AUTOSCALE, POOL_GROW, POOL_SHRINK } from "../src/control/pool-commands.js";
import { PythonError } from "../src/control/python-error.js";
import { createProcessPool, type ProcessPool } from "../src/pool/create-process-pool.js";
import { buildTaskRequest } from "../src/request/build-task-request.js";
import registerTasks from "./fixtures/pool-tasks.js";

const TASK_MODULE = new URL("./fixtures/pool-tasks.ts", import.meta.url).href;
const registry = new TaskRegistry();
registerTasks(registry);

async function pidOf(pool: ProcessPool): Promise<unknown> {
  const task = registry.get("tasks.pid");
  assert.ok(task);
  const request = buildTaskRequest(createTaskMessage({ task: "tasks.pid", args: [], kwargs: {} }), "celery@limits-test");
  const outcome = await pool.run(task, request, { hard: null, soft: null }, { onAccepted: () => undefined, onUpdateState: async () => undefined });
  assert.equal(outcome.kind, "success");
  return outcome.kind === "success" ? outcome.value : null;
}

describe("process pool child limits", () => {
  it("maxMemoryPerChild: a child above the limit after a task is replaced (and said so); one below is kept", async () => {
    const warnings: string[] = [];
    const small = createProcessPool({
      concurrency: 1,
      taskModule: TASK_MODULE,
      maxMemoryPerChild: 1,
      onMaxMemoryExceeded: (used, limit) => warnings.push(`${used}/${limit}`),
    });
    const large = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE, maxMemoryPerChild: 64 * 1024 * 1024 });
    try {
      const replaced = [await pidOf(small), await pidOf(small), await pidOf(small)];
      assert.equal(new Set(replaced).size, 3);
      assert.equal(warnings.length, 3);
      assert.match(warnings[0] ?? "", /^\d+\/1$/);
      const kept = [await pidOf(large), await pidOf(large)];
      assert.equal(kept[0], kept[1]);
    } finally {
      await Promise.all([small.close(), large.close()]);
    }
  });

  it("info() reports max-tasks-per-child ('N/A' without) and timeouts [soft, hard] as Celery's prefork pool", async () => {
    const a = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE, maxTasksPerChild: 7, timeouts: [3, 5] });
    const b = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE });
    try {
      assert.deepEqual(a.info(), { "max-tasks-per-child": 7, timeouts: [3, 5] });
      assert.deepEqual(b.info(), { "max-tasks-per-child": "N/A", timeouts: [0, 0] });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("autoscale / pool_grow / pool_shrink commands", () => {
  const context = (control: Partial<WorkerControl>): ControlContext => ({ control }) as unknown as ControlContext;

  it("with an autoscaler: autoscale sets the bounds; pool_grow and pool_shrink are refused as Celery does", () => {
    let size = 2;
    const bounds: Array<readonly [number | null, number | null]> = [];
    const ctx = context({
      concurrency: () => size,
      setConcurrency: (n) => (size = n),
      autoscalerInfo: () => ({ max: 4, min: 1, current: size, qty: 0 }),
      updateAutoscale: (max, min) => {
        bounds.push([max, min]);
        return [max ?? 4, min ?? 1];
      },
    });
    assert.deepEqual(AUTOSCALE.run(ctx, { max: 6, min: "2" }), { ok: "autoscale now max=6 min=2" });
    assert.deepEqual(AUTOSCALE.run(ctx, {}), { ok: "autoscale now max=4 min=1" });
    assert.deepEqual(bounds, [
      [6, 2],
      [null, null],
    ]);
    assert.deepEqual(POOL_GROW.run(ctx, { n: 1 }), { error: "pool_grow is not supported with autoscale. Adjust autoscale range instead." });
    assert.deepEqual(POOL_SHRINK.run(ctx, { n: 1 }), { error: "pool_shrink is not supported with autoscale. Adjust autoscale range instead." });
    assert.equal(size, 2);
  });

  it("without one: autoscale raises Celery's ValueError; pool_grow/pool_shrink resize", () => {
    let size = 2;
    const ctx = context({ concurrency: () => size, setConcurrency: (n) => (size = n) });
    assert.throws(
      () => AUTOSCALE.run(ctx, { max: 3 }),
      (e: unknown) => e instanceof PythonError && /Autoscale not enabled/.test(e.message),
    );
    assert.deepEqual(POOL_GROW.run(ctx, { n: 2 }), { ok: "pool will grow" });
    assert.equal(size, 4);
    POOL_SHRINK.run(ctx, {});
    assert.equal(size, 3);
  });
});
