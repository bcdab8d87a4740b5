// Celery's Autoscaler (C:celery/worker/autoscale.py): grows to the reserved requests at once (up to max), shrinks
// towards them (down to min, never below 1) only after the keepalive since the last growth; `update` moves the bounds.
// And the worker options behind --autoscale, --max-tasks-per-child, --max-memory-per-child, --time-limit, -X.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { compileWorkerOptions } from "../src/compile-worker-options.js";
import { createCeleryLogger } from "../src/logging/worker-logger.js";
import { Autoscaler } from "../src/pool/autoscaler.js";
import type { WorkerOptions } from "../src/worker-options.js";

function scaler(max: number, min: number) {
  const s = { procs: Math.max(1, min), qty: 0, now: 0, prefetch: 0, log: "" };
  const autoscaler = new Autoscaler({
    max,
    min,
    keepaliveSeconds: 30,
    processes: () => s.procs,
    qty: () => s.qty,
    resize: (n) => (s.procs = n),
    movePrefetch: (diff) => (s.prefetch += diff),
    logger: createCeleryLogger({ level: "INFO", write: (t) => (s.log += t) }),
    now: () => s.now,
  });
  return { s, autoscaler };
}

describe("Autoscaler", () => {
  it("grows at once to the reserved requests, at most max", () => {
    const { s, autoscaler } = scaler(4, 1);
    s.qty = 3;
    assert.equal(autoscaler.maybeScale(), true);
    assert.equal(s.procs, 3);
    s.qty = 10;
    autoscaler.maybeScale();
    assert.equal(s.procs, 4);
    assert.match(s.log, /Scaling up 2 processes\.\n.*Scaling up 1 processes\./s);
    assert.deepEqual(autoscaler.info(), { max: 4, min: 1, current: 4, qty: 10 });
  });

  it("shrinks only after the keepalive since the last growth, down to min (the pool keeps 1)", () => {
    const { s, autoscaler } = scaler(4, 0);
    s.qty = 4;
    autoscaler.maybeScale();
    s.qty = 0;
    s.now = 29_000;
    assert.equal(autoscaler.maybeScale(), false);
    assert.equal(s.procs, 4);
    s.now = 31_000;
    assert.equal(autoscaler.maybeScale(), true);
    assert.equal(s.procs, 1);
    assert.match(s.log, /Scaling down 3 processes\./);
  });

  it("never shrinks a pool it never grew (Celery's _last_scale_up)", () => {
    const { s, autoscaler } = scaler(4, 2);
    s.procs = 3;
    s.now = 100_000;
    assert.equal(autoscaler.maybeScale(), false);
    assert.equal(s.procs, 3);
  });

  it("update moves the bounds: a lower max shrinks now and moves the prefetch, a higher min grows now", () => {
    const { s, autoscaler } = scaler(6, 1);
    s.procs = 5;
    assert.deepEqual(autoscaler.update(3, null), [3, 1]);
    assert.equal(s.procs, 3);
    assert.equal(s.prefetch, -3);
    assert.deepEqual(autoscaler.update(null, 3), [3, 3]);
    assert.deepEqual(autoscaler.update(null, 5), [3, 5]);
    assert.equal(s.procs, 5);
  });
});

describe("worker options of the Celery worker flags", () => {
  it("autoscale sets the concurrency to its max; the limits and child limits are kept", () => {
    const o = compileWorkerOptions(
      {
        autoscale: { max: 8, min: 2 },
        concurrency: 3,
        pool: "process",
        taskModule: "t.js",
        maxTasksPerChild: 10,
        maxMemoryPerChild: 200_000,
        timeLimit: 5,
        softTimeLimit: 4,
      },
      {},
    );
    assert.equal(o.concurrency, 8);
    assert.deepEqual(o.autoscale, { max: 8, min: 2, keepaliveSeconds: 30 });
    assert.equal(o.maxTasksPerChild, 10);
    assert.equal(o.maxMemoryPerChild, 200_000);
    assert.equal(o.timeLimit, 5);
    assert.equal(o.softTimeLimit, 4);
    const d = compileWorkerOptions({}, {});
    assert.deepEqual([d.autoscale, d.maxTasksPerChild, d.maxMemoryPerChild, d.timeLimit, d.softTimeLimit], [null, null, null, null, null]);
  });

  it("excludeQueues takes queues out of -Q, and refuses to leave none", () => {
    assert.deepEqual(
      compileWorkerOptions({ queues: ["a", "b", "c"], excludeQueues: ["b"] }, {}).queues.map((q) => q.name),
      ["a", "c"],
    );
    assert.throws(() => compileWorkerOptions({ excludeQueues: ["celery"] }, {}), /^CeleryProtoError: excludeQueues: leaves no queue/);
  });

  const bad: ReadonlyArray<readonly [string, WorkerOptions, RegExp?]> = [
    ["maxTasksPerChild", { maxTasksPerChild: 5 }, /-P process/],
    ["maxMemoryPerChild", { maxMemoryPerChild: 5 }, /-P process/],
    ["maxTasksPerChild", { pool: "process", taskModule: "t.js", maxTasksPerChild: 0 }],
    ["autoscale", { autoscale: { max: 0 } }],
    ["autoscale", { autoscale: { max: 2, min: 3 } }],
    ["timeLimit", { timeLimit: 0 }],
    ["softTimeLimit", { softTimeLimit: -1 }],
  ];
  for (const [option, options, pattern] of bad) {
    it(`refuses a bad ${option} naming it`, () => {
      assert.throws(
        () => compileWorkerOptions(options, {}),
        (e: unknown) => CeleryProtoError.is(e) && e.code === "InvalidOption" && e.message.startsWith(`${option}: `) && (pattern?.test(e.message) ?? true),
      );
    });
  }
});
