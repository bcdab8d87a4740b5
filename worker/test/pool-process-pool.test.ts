// The child-process pool against a real task module (fixtures/pool-tasks.ts), no broker: results and rich values
// across the IPC boundary, errors that map to the same Celery exception dict, retry/reject/ignore, updateState,
// soft and hard time limits, crashes, terminate, concurrency and queueing, resize, maxTasksPerChild, close.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorToExceptionInfo } from "../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { PyDate, PyDecimal, PyFloat, PyUuid } from "../../sdk/src/codec/json/python-values.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { TaskRegistry, type RegisteredTask } from "../src/app/task-registry.js";
import { NotRegistered, SoftTimeLimitExceeded, WorkerLostError } from "../src/errors/task-control-errors.js";
import type { ExecutionHooks, ExecutionLimits, ExecutionOutcome } from "../src/pool/execution-pool.js";
import { createProcessPool, type ProcessPool } from "../src/pool/create-process-pool.js";
import { buildTaskRequest } from "../src/request/build-task-request.js";
import type { TaskRequest } from "../src/request/task-request.js";
import registerTasks, { HttpError } from "./fixtures/pool-tasks.js";

const TASK_MODULE = new URL("./fixtures/pool-tasks.ts", import.meta.url).href;
const NO_LIMITS: ExecutionLimits = { hard: null, soft: null };

const registry = new TaskRegistry();
registerTasks(registry);

function task(name: string): RegisteredTask {
  const found = registry.get(name);
  assert.ok(found, `fixture task ${name}`);
  return found;
}

function request(name: string, args: readonly unknown[] = [], kwargs: Record<string, unknown> = {}, id?: string): TaskRequest {
  return buildTaskRequest(createTaskMessage({ task: name, args: [...args], kwargs, ...(id === undefined ? {} : { id }) }), "celery@pool-test");
}

interface RecordingHooks extends ExecutionHooks {
  readonly accepted: number[];
  readonly acceptedAt: number[];
  readonly states: Array<{ readonly state: string; readonly meta: unknown }>;
}

function hooks(onUpdateState?: (state: string, meta: unknown) => Promise<void>): RecordingHooks {
  const accepted: number[] = [];
  const acceptedAt: number[] = [];
  const states: Array<{ state: string; meta: unknown }> = [];
  return {
    accepted,
    acceptedAt,
    states,
    onAccepted(pid) {
      accepted.push(pid);
      acceptedAt.push(performance.now());
    },
    async onUpdateState(state, meta) {
      await onUpdateState?.(state, meta);
      states.push({ state, meta });
    },
  };
}

async function run(
  pool: ProcessPool,
  name: string,
  args: readonly unknown[] = [],
  limits: ExecutionLimits = NO_LIMITS,
  h: ExecutionHooks = hooks(),
): Promise<ExecutionOutcome> {
  return pool.run(task(name), request(name, args), limits, h);
}

function expectKind<K extends ExecutionOutcome["kind"]>(outcome: ExecutionOutcome, kind: K): Extract<ExecutionOutcome, { kind: K }> {
  assert.equal(outcome.kind, kind, `expected ${kind}, got ${JSON.stringify(outcome, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`);
  return outcome as Extract<ExecutionOutcome, { kind: K }>;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("process pool: one shared pool of 2", () => {
  let pool: ProcessPool;
  before(async () => {
    pool = createProcessPool({ concurrency: 2, taskModule: TASK_MODULE, softTimeLimitGraceMs: 200 });
    await pool.ready();
  });
  after(() => pool.close());

  it("runs a task and reports the accepting pid", async () => {
    const h = hooks();
    const outcome = await pool.run(task("tasks.add"), request("tasks.add", [2, 3]), NO_LIMITS, h);
    assert.equal(expectKind(outcome, "success").value, 5);
    assert.equal(pool.implementation, "process");
    assert.equal(pool.concurrency, 2);
    assert.equal(h.accepted.length, 1);
    assert.ok(pool.pids().includes(h.accepted[0] ?? -1));
    assert.ok(!pool.pids().includes(process.pid));
  });

  it("round-trips rich args and kwargs (Date, bytes, bigint, Py* values) both ways", async () => {
    const args = [
      new Date(Date.UTC(2020, 5, 1, 1, 2, 3, 4)),
      new Uint8Array([1, 2, 3]),
      2n ** 70n,
      7n,
      new PyDecimal("3.14"),
      new PyFloat(2),
      new PyUuid("12345678-1234-5678-1234-567812345678"),
      new PyDate("2020-06-01"),
      null,
      -0,
      Infinity,
    ];
    const kwargs = { nested: { list: [new Date(0), { deep: new Uint8Array(0) }] }, text: "é✓", undef: undefined };
    const outcome = await pool.run(task("tasks.echo"), request("tasks.echo", args, kwargs), NO_LIMITS, hooks());
    const value = expectKind(outcome, "success").value as { args: unknown[]; kwargs: Record<string, unknown> };
    assert.deepEqual(value.args, args);
    assert.deepEqual(value.kwargs, kwargs);
    assert.ok(value.args[4] instanceof PyDecimal && value.args[5] instanceof PyFloat && value.args[6] instanceof PyUuid);
  });

  it("returns rich values exactly", async () => {
    const value = expectKind(await run(pool, "tasks.returnsRich"), "success").value;
    assert.deepEqual(value, {
      date: new Date(Date.UTC(2024, 1, 29, 12, 30, 45, 123)),
      big: 12345678901234567890n,
      small: 5n,
      decimal: new PyDecimal("1.10"),
      bytes: new Uint8Array([0, 1, 254, 255]),
      float: new PyFloat(1),
      uuid: new PyUuid("0b4f1d6a-5c1e-4f2a-9d3b-7e8f9a0b1c2d"),
      day: new PyDate("2024-02-29"),
      nan: Number.NaN,
      nested: [{ when: new Date(0) }],
    });
  });

  it("a value with no JSON form fails with an EncodeError, as storing it would", async () => {
    const failure = expectKind(await run(pool, "tasks.returnsMap"), "failure");
    assert.ok(CeleryProtoError.is(failure.error, "EncodeError"));
    assert.match((failure.error as Error).message, /Map instance has no JSON form/);
  });

  it("a thrown error maps to the exception dict it maps to in the child", async () => {
    const failure = expectKind(await run(pool, "tasks.throwsValueError", ["bad input"]), "failure");
    assert.ok(failure.error instanceof Error);
    assert.deepEqual(errorToExceptionInfo(failure.error), { exc_type: "ValueError", exc_message: ["bad input"], exc_module: "builtins" });
    assert.equal(failure.error.message, "bad input");
    assert.match(failure.error.stack ?? "", /pool-tasks\.ts/);
  });

  it("a user error class comes back as the parent's class when it is in autoretryFor", async () => {
    const failure = expectKind(await run(pool, "tasks.throwsHttp"), "failure");
    assert.ok(failure.error instanceof HttpError, "instanceof the worker's HttpError");
    assert.equal(failure.error.name, "HttpError");
    assert.deepEqual(errorToExceptionInfo(failure.error), errorToExceptionInfo(new HttpError(503)));
  });

  it("context.retry() → retry outcome with its options and exc", async () => {
    const retry = expectKind(await run(pool, "tasks.retries"), "retry");
    const { exc, ...options } = retry.options;
    assert.deepEqual(options, {
      countdown: 5,
      maxRetries: 7,
      args: [1, new Date(Date.UTC(2024, 0, 2))],
      kwargs: { k: 12345678901234567890n },
      queue: "retry-q",
      priority: 3,
    });
    assert.deepEqual(errorToExceptionInfo(exc), { exc_type: "ValueError", exc_message: ["again"], exc_module: "builtins" });
  });

  it("Reject and Ignore → their outcome kinds", async () => {
    assert.deepEqual(await run(pool, "tasks.rejects"), { kind: "reject", requeue: true });
    assert.deepEqual(await run(pool, "tasks.ignores"), { kind: "ignore" });
  });

  it("a task the child does not know fails with NotRegistered", async () => {
    const other = new TaskRegistry().register("tasks.onlyInParent", () => 1);
    const failure = expectKind(await pool.run(other, request("tasks.onlyInParent"), NO_LIMITS, hooks()), "failure");
    assert.ok(failure.error instanceof NotRegistered);
    assert.deepEqual(errorToExceptionInfo(failure.error), { exc_type: "NotRegistered", exc_message: ["tasks.onlyInParent"], exc_module: "celery.exceptions" });
  });

  it("updateState reaches onUpdateState (decoded), and the handler waits for it", async () => {
    const h = hooks(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const started = performance.now();
    const outcome = await pool.run(task("tasks.progress"), request("tasks.progress"), NO_LIMITS, h);
    assert.equal(expectKind(outcome, "success").value, "reported");
    assert.deepEqual(h.states, [{ state: "PROGRESS", meta: { done: 1, at: new Date(Date.UTC(2024, 0, 1)) } }]);
    assert.ok(performance.now() - started >= 95, "the handler awaited the hook");
  });

  it("soft limit caught by the handler → success", async () => {
    const started = performance.now();
    const outcome = await run(pool, "tasks.catchesSoft", [5000], { hard: null, soft: 0.3 });
    assert.equal(expectKind(outcome, "success").value, "soft");
    assert.ok(performance.now() - started < 1500);
  });

  it("soft limit not caught → failure SoftTimeLimitExceeded", async () => {
    const failure = expectKind(await run(pool, "tasks.sleepy", [5000], { hard: null, soft: 0.3 }), "failure");
    assert.ok(failure.error instanceof SoftTimeLimitExceeded);
    assert.deepEqual(errorToExceptionInfo(failure.error), { exc_type: "SoftTimeLimitExceeded", exc_message: [], exc_module: "billiard.exceptions" });
  });

  it("soft limit ignored by the handler → failure SoftTimeLimitExceeded after the grace", async () => {
    const started = performance.now();
    const failure = expectKind(await run(pool, "tasks.ignoresSignal", [3000], { hard: null, soft: 0.2 }), "failure");
    const elapsed = performance.now() - started;
    assert.ok(failure.error instanceof SoftTimeLimitExceeded);
    assert.ok(elapsed >= 380 && elapsed < 1500, `200 ms limit + 200 ms grace, took ${elapsed}`);
  });

  it("hard limit kills a CPU-spinning task; the pool keeps its size with a new process", async () => {
    const before = [...pool.pids()];
    const h = hooks();
    const started = performance.now();
    const outcome = await pool.run(task("tasks.cpuSpin"), request("tasks.cpuSpin", [10_000]), { hard: 0.5, soft: 0.2 }, h);
    const elapsed = performance.now() - started;
    const limited = expectKind(outcome, "time-limit");
    assert.equal(limited.seconds, 0.5);
    assert.ok(elapsed < 1000, `killed within limit + 0.5 s (took ${elapsed.toFixed(0)} ms)`);
    const killed = h.accepted[0] ?? -1;
    assert.ok(before.includes(killed));
    await waitFor(() => pool.pids().length === 2 && !pool.pids().includes(killed));
    assert.ok(!isAlive(killed));
    await pool.ready();
    assert.equal(expectKind(await run(pool, "tasks.add", [1, 1]), "success").value, 2);
  });

  it("a process that dies → worker-lost, and a replacement", async () => {
    const h = hooks();
    const outcome = await pool.run(task("tasks.crash"), request("tasks.crash"), NO_LIMITS, h);
    const lost = expectKind(outcome, "worker-lost");
    assert.ok(lost.error instanceof WorkerLostError);
    assert.match(lost.error.message, /^Worker exited prematurely: exitcode 1 Job: \d+\.$/);
    await waitFor(() => pool.pids().length === 2 && !pool.pids().includes(h.accepted[0] ?? -1));
  });

  it("terminate kills the process running the task → terminated", async () => {
    const h = hooks();
    const id = "terminate-me";
    const pending = pool.run(task("tasks.sleepy"), request("tasks.sleepy", [10_000], {}, id), NO_LIMITS, h);
    await waitFor(() => h.accepted.length === 1);
    assert.equal(pool.terminate("not-running", "SIGTERM"), false);
    assert.equal(pool.terminate(id, "TERM"), true);
    assert.deepEqual(await pending, { kind: "terminated", signal: "SIGTERM" });
    await waitFor(() => pool.pids().length === 2 && !pool.pids().includes(h.accepted[0] ?? -1));
    assert.throws(
      () => pool.terminate(id, "SIGNOPE"),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });

  it("terminate with SIGUSR1 raises SoftTimeLimitExceeded in the task, as billiard does", async () => {
    const h = hooks();
    const pending = pool.run(task("tasks.catchesSoft"), request("tasks.catchesSoft", [10_000], {}, "usr1"), NO_LIMITS, h);
    await waitFor(() => h.accepted.length === 1);
    assert.equal(pool.terminate("usr1", "SIGUSR1"), true);
    assert.equal(expectKind(await pending, "success").value, "soft");
    assert.ok(pool.pids().includes(h.accepted[0] ?? -1), "the process survives");
  });
});

describe("process pool: sizing", () => {
  it("runs `concurrency` tasks at once and queues the rest", async () => {
    const pool = createProcessPool({ concurrency: 3, taskModule: TASK_MODULE });
    try {
      await pool.ready();
      const h = hooks();
      const t0 = performance.now();
      const outcomes = await Promise.all([0, 1, 2, 3].map(() => pool.run(task("tasks.sleepy"), request("tasks.sleepy", [400]), NO_LIMITS, h)));
      const elapsed = performance.now() - t0;
      for (const outcome of outcomes) expectKind(outcome, "success");
      const starts = h.acceptedAt.map((t) => t - t0).sort((a, b) => a - b);
      assert.ok((starts[2] ?? Infinity) < 200, `three start at once: ${starts.map((s) => s.toFixed(0)).join(", ")}`);
      assert.ok((starts[3] ?? 0) >= 390, `the fourth waits for a free process: ${starts[3]?.toFixed(0)}`);
      assert.ok(elapsed >= 790 && elapsed < 1600, `two rounds of 400 ms: ${elapsed.toFixed(0)}`);
      assert.equal(new Set(h.accepted).size, 3);
    } finally {
      await pool.close();
    }
  });

  it("resize grows at once and shrinks idle processes (busy ones when they finish)", async () => {
    const pool = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE });
    try {
      await pool.ready();
      pool.resize(3);
      assert.equal(pool.concurrency, 3);
      assert.equal(pool.pids().length, 3);
      await pool.ready();
      const h = hooks();
      const busy = [
        pool.run(task("tasks.sleepy"), request("tasks.sleepy", [300]), NO_LIMITS, h),
        pool.run(task("tasks.sleepy"), request("tasks.sleepy", [300]), NO_LIMITS, h),
      ];
      await waitFor(() => h.accepted.length === 2);
      pool.resize(1);
      assert.equal(pool.pids().length, 2, "the idle one is retired, the busy ones keep running");
      for (const outcome of await Promise.all(busy)) expectKind(outcome, "success");
      await waitFor(() => pool.pids().length === 1);
      assert.throws(
        () => pool.resize(0),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
      );
    } finally {
      await pool.close();
    }
  });

  it("maxTasksPerChild replaces a process after that many tasks", async () => {
    const pool = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE, maxTasksPerChild: 2 });
    try {
      const pids: unknown[] = [];
      for (let i = 0; i < 5; i++) pids.push(expectKind(await run(pool, "tasks.pid"), "success").value);
      assert.equal(pids[0], pids[1]);
      assert.equal(pids[2], pids[3]);
      assert.notEqual(pids[1], pids[2]);
      assert.notEqual(pids[3], pids[4]);
      assert.equal(new Set(pids).size, 3);
    } finally {
      await pool.close();
    }
  });

  it("a process killed under its task: WorkerLostError as billiard words it, a new process; exits reported (onProcessExited) as billiard logs them", async () => {
    const exits: Array<readonly [string, number, string]> = [];
    const pool = createProcessPool({
      concurrency: 1,
      taskModule: TASK_MODULE,
      onProcessExited: (name, pid, status) => exits.push([name, pid, status]),
    });
    try {
      await pool.ready();
      const [first] = pool.pids();
      const lost = expectKind(await run(pool, "tasks.killSelf"), "worker-lost");
      assert.ok(lost.error instanceof WorkerLostError);
      assert.equal(lost.error.message, "Worker exited prematurely: signal 9 (SIGKILL) Job: 0.");
      const second = expectKind(await run(pool, "tasks.pid"), "success").value;
      assert.notEqual(second, first);
      expectKind(await run(pool, "tasks.crash"), "worker-lost");
      // A hard time limit's kill is reported as billiard logs it; revoke --terminate (controlled) and retirements are not.
      const third = expectKind(await run(pool, "tasks.pid"), "success").value;
      expectKind(await run(pool, "tasks.cpuSpin", [10_000], { hard: 0.3, soft: null }), "time-limit");
      const h = hooks();
      const terminated = pool.run(task("tasks.sleepy"), request("tasks.sleepy", [10_000], {}, "terminate-me"), NO_LIMITS, h);
      await waitFor(() => h.accepted.length === 1);
      pool.terminate("terminate-me", "SIGTERM");
      assert.equal((await terminated).kind, "terminated");
      assert.deepEqual(exits, [
        ["ForkPoolWorker-1", first, "signal 9 (SIGKILL)"],
        ["ForkPoolWorker-2", second, "exitcode 1"],
        ["ForkPoolWorker-3", third, "signal 9 (SIGKILL)"],
      ]);
    } finally {
      await pool.close();
    }
    assert.equal(exits.length, 3, "close retires the last process without a report");
  });

  it("close waits for running and queued tasks, then stops every process", async () => {
    const pool = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE });
    await pool.ready();
    const pids = [...pool.pids()];
    const first = pool.run(task("tasks.sleepy"), request("tasks.sleepy", [200]), NO_LIMITS, hooks());
    const second = pool.run(task("tasks.add"), request("tasks.add", [1, 2]), NO_LIMITS, hooks());
    await pool.close();
    assert.equal(expectKind(await first, "success").value, 200);
    assert.equal(expectKind(await second, "success").value, 3);
    assert.deepEqual(pool.pids(), []);
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} exited`);
    await assert.rejects(run(pool, "tasks.add", [1, 1]), (e: unknown) => CeleryProtoError.is(e, "InvalidOption"));
  });

  it("a task module that cannot be loaded rejects ready() and run(), naming the option", async () => {
    const pool = createProcessPool({ concurrency: 1, taskModule: "worker/test/fixtures/does-not-exist.ts" });
    await assert.rejects(
      pool.ready(),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /^taskModule: app: no module at .*does-not-exist/.test((e as Error).message),
    );
    await assert.rejects(run(pool, "tasks.add", [1, 1]), (e: unknown) => CeleryProtoError.is(e, "InvalidOption"));
    await pool.close();
  });

  it("options are checked when the pool is created", () => {
    assert.throws(() => createProcessPool({ concurrency: 0, taskModule: TASK_MODULE }), /concurrency/);
    assert.throws(() => createProcessPool({ concurrency: 1, taskModule: "" }), /taskModule/);
    assert.throws(() => createProcessPool({ concurrency: 1, taskModule: TASK_MODULE, maxTasksPerChild: 0 }), /maxTasksPerChild/);
  });

  it("overhead: a no-op round trip through one process", async (t) => {
    const pool = createProcessPool({ concurrency: 1, taskModule: TASK_MODULE });
    try {
      await pool.ready();
      const noop = task("tasks.noop");
      const h = hooks();
      for (let i = 0; i < 200; i++) await pool.run(noop, request("tasks.noop"), NO_LIMITS, h);
      const n = 2000;
      const requests = Array.from({ length: n }, () => request("tasks.noop"));
      const t0 = performance.now();
      for (const r of requests) await pool.run(noop, r, NO_LIMITS, h);
      const perTaskUs = ((performance.now() - t0) * 1000) / n;
      t.diagnostic(`process pool no-op round trip: ${perTaskUs.toFixed(1)} µs per task (${n} sequential runs, concurrency 1)`);
      assert.ok(perTaskUs < 5000);
    } finally {
      await pool.close();
    }
  });
});
