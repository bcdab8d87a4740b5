// The worker's lifecycle events (Worker.on, Celery's signals) on the in-memory broker with both pools: every event,
// its payload and its order per task, listener errors contained, and the emitter's on/once/off.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../src/create-worker.js";
import { WorkerEventEmitter } from "../src/lifecycle/worker-event-emitter.js";
import type { WorkerEventMap, WorkerEventName } from "../src/lifecycle/worker-event-map.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, recordingTransport, waitUntil } from "./core-fixtures.js";
import registerTasks from "./fixtures/pool-tasks.js";

const TASK_MODULE = new URL("./fixtures/pool-tasks.ts", import.meta.url).href;
const NAMES: readonly WorkerEventName[] = [
  "task:received",
  "task:started",
  "task:succeeded",
  "task:failed",
  "task:retried",
  "task:revoked",
  "message:refused",
  "worker:ready",
  "worker:shutdown",
];

type Seen = { readonly [E in WorkerEventName]: { readonly name: E; readonly event: WorkerEventMap[E] } }[WorkerEventName];

interface Harness {
  readonly worker: Worker;
  readonly transport: ReturnType<typeof recordingTransport>;
  readonly outcomes: ReturnType<typeof recordingOutcomes>;
  readonly logger: ReturnType<typeof captureLogger>;
  readonly seen: Seen[];
}

/** A worker on the in-memory broker with pool-tasks.ts registered and a listener on every event (added before start). */
async function startWorker(pool: "async" | "process", extra: (worker: Worker) => void = () => undefined): Promise<Harness> {
  const transport = recordingTransport(new MemoryTransport());
  const outcomes = recordingOutcomes();
  const logger = captureLogger("DEBUG");
  const worker = createWorker({
    broker: transport,
    backend: null,
    pool,
    taskModule: TASK_MODULE,
    concurrency: 2,
    hostname: `lifecycle-${pool}@test`,
    outcomes,
    eventDispatcher: recordingEvents(),
    control: false,
    heartbeat: false,
    logger,
  });
  registerTasks(worker.registry);
  const seen: Seen[] = [];
  for (const name of NAMES) worker.on(name, (event: WorkerEventMap[typeof name]) => void seen.push({ name, event } as Seen));
  extra(worker);
  await worker.start();
  return { worker, transport, outcomes, logger, seen };
}

const taskIdOf = (s: Seen): string | null =>
  s.name.startsWith("task:") || s.name === "message:refused" ? (s.event as { taskId: string | null }).taskId : null;
const namesFor = (h: Harness, id: string): string[] => h.seen.filter((s) => taskIdOf(s) === id).map((s) => s.name);
function eventOf<E extends WorkerEventName>(h: Harness, id: string, name: E): WorkerEventMap[E] {
  const found = h.seen.find((s) => s.name === name && taskIdOf(s) === id);
  assert.ok(found, `${name} for ${id}`);
  return found.event as WorkerEventMap[E];
}

for (const pool of ["async", "process"] as const) {
  describe(`worker lifecycle events (${pool} pool)`, { timeout: 60_000 }, () => {
    it("worker:ready once consuming; received → started → succeeded with Celery's payloads, emitted in the main process", async () => {
      const h = await startWorker(pool);
      assert.deepEqual(
        h.seen.map((s) => s.name),
        ["worker:ready"],
      );
      assert.deepEqual(h.seen[0]?.event, { hostname: `lifecycle-${pool}@test`, queues: ["celery"], pool, concurrency: 2 });
      const id = await publishTask(h.transport, { task: "tasks.add", args: [2, 3], kwargs: {} });
      await waitUntil(() => namesFor(h, id).includes("task:succeeded"), 10_000, "task:succeeded");
      assert.deepEqual(namesFor(h, id), ["task:received", "task:started", "task:succeeded"]);
      const received = eventOf(h, id, "task:received");
      assert.deepEqual([received.taskId, received.taskName, received.args, received.kwargs], [id, "tasks.add", [2, 3], {}]);
      assert.equal(received.request.id, id);
      const started = eventOf(h, id, "task:started");
      assert.equal(started.pool, pool);
      if (pool === "async") assert.equal(started.pid, process.pid);
      else assert.notEqual(started.pid, process.pid, "the pid of the child that runs the handler");
      const succeeded = eventOf(h, id, "task:succeeded");
      assert.equal(succeeded.result, 5);
      assert.ok(succeeded.runtime >= 0);
      // After the outcome was recorded (Celery's task_success follows mark_as_done).
      assert.ok(h.outcomes.calls.some((c) => c.method === "succeeded" && c.id === id));
      await h.worker.stop();
      assert.deepEqual(h.seen.at(-1), { name: "worker:shutdown", event: { hostname: `lifecycle-${pool}@test`, cold: false } });
    });

    it("failed, retried, revoked (by id, expired, terminated) and refused messages", async () => {
      const h = await startWorker(pool);
      const fail = await publishTask(h.transport, { task: "tasks.throwsValueError", args: ["boom"] });
      const retry = await publishTask(h.transport, { task: "tasks.retries" });
      const expired = await publishTask(h.transport, { task: "tasks.add", args: [1, 1], expires: new Date(Date.now() - 1000) });
      h.worker.state.revoked.add(`revoked-${pool}`);
      await publishTask(h.transport, { task: "tasks.add", args: [1, 1], id: `revoked-${pool}` });
      const running = await publishTask(h.transport, { task: "tasks.sleepy", args: [60_000] });
      const unknown = await publishTask(h.transport, { task: "tasks.nobody" });
      const raw = (headers: Record<string, unknown>, body: string, contentType = "application/json"): Promise<void> =>
        h.transport.publish({
          exchange: "",
          routingKey: "celery",
          body: new TextEncoder().encode(body),
          properties: { content_type: contentType, content_encoding: "utf-8", headers },
        });
      await raw({ id: `bad-json-${pool}`, task: "tasks.add" }, "[[1, 2], {}, {");
      await raw({ id: `bad-kwargs-${pool}`, task: "tasks.add" }, "[[1, 2], [], {}]");
      await raw({}, '{"hello": "world"}');

      await waitUntil(() => h.worker.state.active.has(running), 10_000, "the long task to run");
      h.worker.state.active.get(running)?.abort("terminated");
      await waitUntil(
        () => [fail, retry, expired, `revoked-${pool}`, running].every((id) => namesFor(h, id).some((n) => /failed|retried|revoked/.test(n))),
        10_000,
        "every outcome",
      );
      await waitUntil(() => h.seen.filter((s) => s.name === "message:refused").length === 4, 5000, "four refusals");

      assert.deepEqual(namesFor(h, fail), ["task:received", "task:started", "task:failed"]);
      const failed = eventOf(h, fail, "task:failed");
      assert.equal((failed.exception as Error).name, "ValueError");
      assert.equal((failed.exception as Error).message, "boom");
      assert.match(failed.traceback, /^Traceback \(most recent call last\):\n[\s\S]*ValueError: boom\n$/);
      assert.ok(typeof failed.runtime === "number" && failed.runtime >= 0);

      assert.deepEqual(namesFor(h, retry), ["task:received", "task:started", "task:retried"]);
      const retried = eventOf(h, retry, "task:retried");
      assert.equal(retried.reason, "Retry in 5s: ValueError('again')");
      assert.equal((retried.exception as Error).message, "again");
      assert.match(retried.traceback ?? "", /ValueError: again\n$/);

      assert.deepEqual(namesFor(h, expired), ["task:revoked"], "expired at receipt: no task:received, as Celery");
      assert.deepEqual(
        [eventOf(h, expired, "task:revoked").expired, eventOf(h, expired, "task:revoked").terminated, eventOf(h, expired, "task:revoked").signum],
        [true, false, null],
      );
      assert.deepEqual(namesFor(h, `revoked-${pool}`), ["task:revoked"]);
      assert.equal(eventOf(h, `revoked-${pool}`, "task:revoked").expired, false);
      assert.deepEqual(namesFor(h, running), ["task:received", "task:started", "task:revoked"]);
      const terminated = eventOf(h, running, "task:revoked");
      assert.deepEqual([terminated.terminated, terminated.expired, terminated.signum], [true, false, "SIGTERM"]);

      const refused = h.seen.flatMap((s) => (s.name === "message:refused" ? [s.event] : []));
      const summary = refused.map((r) => ({ kind: r.kind, code: r.code, taskId: r.taskId, taskName: r.taskName, acked: r.acked, queue: r.queue }));
      assert.deepEqual(
        summary.sort((a, b) => a.kind.localeCompare(b.kind)),
        [
          { kind: "decode-error", code: "DecodeError", taskId: `bad-json-${pool}`, taskName: "tasks.add", acked: true, queue: "celery" },
          { kind: "invalid-task", code: "InvalidBody", taskId: `bad-kwargs-${pool}`, taskName: "tasks.add", acked: false, queue: "celery" },
          { kind: "unknown-message", code: "UnknownProtocol", taskId: null, taskName: null, acked: false, queue: "celery" },
          { kind: "unknown-task", code: "UnknownTask", taskId: unknown, taskName: "tasks.nobody", acked: false, queue: "celery" },
        ],
      );
      assert.ok(refused.every((r) => r.reason.startsWith(`${r.code}: `)));
      assert.deepEqual(namesFor(h, unknown), ["message:refused"], "an unregistered task is refused, not failed (Celery's task_unknown)");
      await h.worker.stop();
    });

    it("a listener that throws or rejects is logged with the event's name; the other listeners run and the task completes", async () => {
      const after: string[] = [];
      const h = await startWorker(pool, (worker) => {
        for (const name of NAMES) {
          worker.on(name, () => {
            throw new Error(`listener boom on ${name}`);
          });
          worker.on(name, async () => Promise.reject(new TypeError(`async boom on ${name}`)));
          worker.on(name, () => void after.push(name));
        }
      });
      const ok = await publishTask(h.transport, { task: "tasks.add", args: [1, 2] });
      const bad = await publishTask(h.transport, { task: "tasks.throwsValueError", args: ["x"] });
      await waitUntil(() => namesFor(h, ok).includes("task:succeeded") && namesFor(h, bad).includes("task:failed"), 10_000, "both outcomes");
      assert.deepEqual(
        h.transport.settlements.filter((s) => s.id === ok || s.id === bad).map((s) => s.action),
        ["ack", "ack"],
      );
      assert.ok(h.outcomes.calls.some((c) => c.method === "succeeded" && c.id === ok));
      assert.ok(h.outcomes.calls.some((c) => c.method === "failed" && c.id === bad));
      await h.worker.stop();
      for (const name of ["worker:ready", "task:received", "task:started", "task:succeeded", "task:failed", "worker:shutdown"]) {
        assert.ok(after.includes(name), `the listener after the failing ones ran for ${name}`);
      }
      const log = h.logger.lines.join("");
      assert.match(log, /ERROR\/MainProcess\] Listener for worker event "task:succeeded" raised: Exception\('listener boom on task:succeeded'\)\nTraceback/);
      assert.match(log, /ERROR\/MainProcess\] Listener for worker event "task:started" raised: TypeError\('async boom on task:started'\)/);
      assert.match(log, /Listener for worker event "worker:shutdown" raised/);
    });
  });
}

describe("worker lifecycle events: process pool only outcomes", { timeout: 60_000 }, () => {
  it("hard time limit and a lost child are task:failed (TimeLimitExceeded, WorkerLostError), after task:started", async () => {
    const h = await startWorker("process");
    const limited = await publishTask(h.transport, { task: "tasks.cpuSpin", args: [10_000], timeLimit: 0.3 });
    const crashed = await publishTask(h.transport, { task: "tasks.crash" });
    await waitUntil(() => namesFor(h, limited).includes("task:failed") && namesFor(h, crashed).includes("task:failed"), 15_000, "both failures");
    assert.deepEqual(namesFor(h, limited), ["task:received", "task:started", "task:failed"]);
    assert.equal((eventOf(h, limited, "task:failed").exception as Error).name, "TimeLimitExceeded");
    assert.deepEqual(namesFor(h, crashed), ["task:received", "task:started", "task:failed"]);
    assert.equal((eventOf(h, crashed, "task:failed").exception as Error).name, "WorkerLostError");
    await h.worker.stop();
  });
});

describe("worker lifecycle events: shutdown and listeners", () => {
  it("a cold stop emits worker:shutdown {cold: true} once; off and once work on the worker", async () => {
    const h = await startWorker("async");
    let count = 0;
    const listener = (): void => {
      count += 1;
    };
    h.worker.on("task:received", listener);
    assert.equal(h.worker.listenerCount("task:received"), 2);
    h.worker.off("task:received", listener);
    assert.equal(h.worker.listenerCount("task:received"), 1);
    let onceCalls = 0;
    h.worker.once("task:succeeded", () => {
      onceCalls += 1;
    });
    const a = await publishTask(h.transport, { task: "tasks.add", args: [1, 1] });
    const b = await publishTask(h.transport, { task: "tasks.add", args: [2, 2] });
    await waitUntil(() => namesFor(h, a).includes("task:succeeded") && namesFor(h, b).includes("task:succeeded"));
    assert.equal(count, 0);
    assert.equal(onceCalls, 1);
    await Promise.all([h.worker.stop({ cold: true }), h.worker.stop()]);
    assert.deepEqual(
      h.seen.filter((s) => s.name === "worker:shutdown").map((s) => s.event),
      [{ hostname: "lifecycle-async@test", cold: true }],
    );
  });

  it("the emitter: registration order, off removes the last registration, a listener added during an emit waits for the next one", () => {
    const logger = captureLogger();
    const emitter = new WorkerEventEmitter(logger);
    const calls: string[] = [];
    const a = (): void => void calls.push("a");
    assert.equal(emitter.has("worker:ready"), false);
    emitter.on("worker:ready", a);
    emitter.on("worker:ready", () => {
      calls.push("b");
      emitter.on("worker:ready", () => void calls.push("late"));
    });
    emitter.on("worker:ready", a);
    const ready = { hostname: "h", queues: [], pool: "async", concurrency: 1 };
    emitter.emit("worker:ready", ready);
    assert.deepEqual(calls, ["a", "b", "a"]);
    emitter.off("worker:ready", a);
    calls.length = 0;
    emitter.emit("worker:ready", ready);
    assert.deepEqual(calls, ["a", "b", "late"]);
    assert.equal(emitter.listenerCount("worker:ready"), 4);
    assert.equal(emitter.has("task:received"), false);
    emitter.once("worker:shutdown", () => {
      throw new Error("once and throws");
    });
    emitter.emit("worker:shutdown", { hostname: "h", cold: false });
    emitter.emit("worker:shutdown", { hostname: "h", cold: false });
    assert.equal(emitter.has("worker:shutdown"), false);
    assert.equal(logger.lines.filter((l) => l.includes('Listener for worker event "worker:shutdown" raised')).length, 1);
  });
});
