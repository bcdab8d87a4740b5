// The async pool: concurrency, Celery's soft/hard time limits inside a promise, terminate, and how a handler's end
// maps to an outcome (success, failure, Retry, Reject, Ignore).
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { describe, it } from "node:test";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import type { TaskHandler } from "../src/app/task-handler.js";
import type { TaskOptions } from "../src/app/task-options.js";
import { Ignore, Reject, SoftTimeLimitExceeded } from "../src/errors/task-control-errors.js";
import { AsyncPool } from "../src/pool/async-pool.js";
import type { ExecutionHooks, ExecutionLimits, ExecutionOutcome } from "../src/pool/execution-pool.js";
import { buildTaskRequest } from "../src/request/build-task-request.js";

const NO_LIMITS: ExecutionLimits = { hard: null, soft: null };

function runOn(
  pool: AsyncPool,
  handler: TaskHandler,
  options: { limits?: ExecutionLimits; id?: string; task?: TaskOptions; accepted?: string[] } = {},
): Promise<ExecutionOutcome> {
  const registry = new TaskRegistry();
  const task = registry.register("t", handler, options.task ?? {});
  const request = buildTaskRequest(
    { ...createTaskMessage({ task: "t", ...(options.id === undefined ? {} : { id: options.id }) }), deliveryInfo: null, deliveryTag: null },
    "w@h",
  );
  const hooks: ExecutionHooks = { onAccepted: () => options.accepted?.push(request.id), onUpdateState: async () => undefined };
  return pool.run(task, request, options.limits ?? NO_LIMITS, hooks);
}

describe("AsyncPool", () => {
  it("runs at most `concurrency` handlers at once, accepting each when it starts; resize grows it", async () => {
    const pool = new AsyncPool({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const handler: TaskHandler = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await delay(30);
      running -= 1;
      return "ok";
    };
    const accepted: string[] = [];
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => runOn(pool, handler, { accepted })));
    assert.equal(peak, 2);
    assert.equal(accepted.length, 6);
    assert.ok(outcomes.every((o) => o.kind === "success" && o.value === "ok"));
    pool.resize(6);
    peak = 0;
    await Promise.all(Array.from({ length: 6 }, () => runOn(pool, handler)));
    assert.equal(peak, 6);
    assert.deepEqual(pool.pids(), [process.pid]);
    await pool.close();
  });

  it("maps a handler's end: value, thrown error, context.retry(), Reject, Ignore", async () => {
    const pool = new AsyncPool({ concurrency: 4 });
    const boom = new Error("boom");
    const [ok, failed, retry, reject, ignore] = await Promise.all([
      runOn(pool, () => 42),
      runOn(pool, () => {
        throw boom;
      }),
      runOn(pool, (_a, _k, ctx) => ctx.retry({ countdown: 5, exc: boom })),
      runOn(pool, () => {
        throw new Reject("no", true);
      }),
      runOn(pool, () => {
        throw new Ignore();
      }),
    ]);
    assert.equal(ok?.kind === "success" && ok.value, 42);
    assert.equal(failed?.kind === "failure" && failed.error, boom);
    assert.deepEqual(retry?.kind === "retry" && retry.options, { countdown: 5, exc: boom });
    assert.deepEqual(reject, { kind: "reject", requeue: true });
    assert.deepEqual(ignore, { kind: "ignore" });
    await pool.close();
  });

  it("soft limit: the signal aborts with SoftTimeLimitExceeded, raised at the handler's await (catchable)", async () => {
    const soft: number[] = [];
    const pool = new AsyncPool({ concurrency: 3, onSoftTimeLimit: (_r, s) => soft.push(s) });
    const limits = { hard: null, soft: 0.05 };
    const [uncaught, caught, polled] = await Promise.all([
      runOn(pool, (_a, _k, { signal }) => delay(5000, undefined, { signal }), { limits }),
      runOn(
        pool,
        async (_a, _k, { signal }) => {
          try {
            await delay(5000, undefined, { signal });
            return "slept";
          } catch (e) {
            // node:timers/promises rejects with an AbortError whose cause is the signal's reason.
            return (e as Error).cause instanceof SoftTimeLimitExceeded ? "soft" : "other";
          }
        },
        { limits },
      ),
      runOn(
        pool,
        async (_a, _k, { signal }) => {
          for (;;) {
            signal.throwIfAborted(); // throws the reason itself
            await delay(5);
          }
        },
        { limits },
      ),
    ]);
    assert.equal(uncaught?.kind, "failure");
    assert.ok(uncaught?.kind === "failure" && uncaught.error instanceof SoftTimeLimitExceeded);
    assert.deepEqual(caught?.kind === "success" && caught.value, "soft");
    assert.ok(polled?.kind === "failure" && polled.error instanceof SoftTimeLimitExceeded);
    assert.deepEqual(soft, [0.05, 0.05, 0.05]);
    await pool.close();
  });

  it("hard limit: resolves time-limit at once and abandons the promise, freeing the slot", async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    const t0 = performance.now();
    const outcome = await runOn(pool, () => new Promise(() => undefined), { limits: { hard: 0.1, soft: null } });
    assert.equal(outcome.kind, "time-limit");
    assert.equal(outcome.kind === "time-limit" && outcome.seconds, 0.1);
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(await runOn(pool, () => "next").then((o) => o.kind), "success");
    await pool.close();
  });

  it("terminate: a running run resolves terminated (signal aborted); a queued one is withdrawn; unknown ids say false", async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    let aborted = false;
    const running = runOn(
      pool,
      async (_a, _k, { signal }) => {
        signal.addEventListener("abort", () => (aborted = true));
        await new Promise(() => undefined);
      },
      { id: "run-1" },
    );
    const queued = runOn(pool, () => "never", { id: "queued-1" });
    await delay(10);
    assert.equal(pool.terminate("queued-1", "SIGTERM"), true);
    assert.equal(pool.terminate("run-1", "SIGKILL"), true);
    assert.equal(pool.terminate("nope", "SIGTERM"), false);
    assert.deepEqual(await queued, { kind: "terminated", signal: "SIGTERM" });
    assert.deepEqual(await running, { kind: "terminated", signal: "SIGKILL" });
    assert.equal(aborted, true);
    await pool.close();
  });

  it("close waits for accepted runs, then refuses new ones", async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    const run = runOn(pool, () => delay(50).then(() => "done"));
    await pool.close();
    assert.equal((await run).kind, "success");
    await assert.rejects(
      runOn(pool, () => 1),
      /run\(\) after close\(\)/,
    );
  });
});
