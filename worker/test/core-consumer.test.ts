// The worker core on the in-memory broker, with stand-in recorder/events: Celery's receipt → execution → settlement
// rules (§5.4, §10 of the protocol digest), message by message, including bad input, ETA, rate limits and shutdown.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { describe, it } from "node:test";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { Ignore, Reject, WorkerLostError } from "../src/errors/task-control-errors.js";
import type { ExecutionOutcome, ExecutionPool } from "../src/pool/execution-pool.js";
import { createWorker } from "../src/create-worker.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { WorkerState } from "../src/app/worker-state.js";
import { TaskConsumer } from "../src/consumer/task-consumer.js";
import { AsyncPool } from "../src/pool/async-pool.js";
import type { TaskOptions } from "../src/app/task-options.js";
import type { TaskHandler } from "../src/app/task-handler.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, recordingTransport, sleep, waitUntil } from "./core-fixtures.js";

class ValueError extends Error {
  override readonly name = "ValueError";
}

interface Harness {
  readonly worker: Worker;
  readonly transport: ReturnType<typeof recordingTransport>;
  readonly memory: MemoryTransport;
  readonly outcomes: ReturnType<typeof recordingOutcomes>;
  readonly events: ReturnType<typeof recordingEvents>;
  readonly logger: ReturnType<typeof captureLogger>;
}

async function startWorker(
  tasks: Record<string, TaskHandler | { handler: TaskHandler; options: TaskOptions }>,
  options: { concurrency?: number; prefetchMultiplier?: number; retry?: "retried" | "exhausted"; kind?: "redis" } = {},
): Promise<Harness> {
  const memory = new MemoryTransport();
  const transport = recordingTransport(memory, options.kind);
  const outcomes = recordingOutcomes(options.retry === undefined ? {} : { retry: options.retry });
  const events = recordingEvents();
  const logger = captureLogger("DEBUG");
  const worker = createWorker({
    broker: transport,
    backend: null,
    concurrency: options.concurrency ?? 2,
    prefetchMultiplier: options.prefetchMultiplier ?? 4,
    hostname: "core@test",
    outcomes,
    eventDispatcher: events,
    control: false,
    heartbeat: false,
    logger,
  });
  for (const [name, entry] of Object.entries(tasks)) {
    if (typeof entry === "function") worker.registry.register(name, entry);
    else worker.registry.register(name, entry.handler, entry.options);
  }
  await worker.start();
  return { worker, transport, memory, outcomes, events, logger };
}

const types = (h: Harness, id: string): string[] => h.events.sent.filter((e) => e.fields["uuid"] === id).map((e) => e.type);
const calls = (h: Harness, id: string): string[] => h.outcomes.calls.filter((c) => c.id === id).map((c) => c.method);
const settled = (h: Harness, id: string): string[] => h.transport.settlements.filter((s) => s.id === id).map((s) => s.action);

describe("worker core: execution and settlement", () => {
  it("runs a task: received → started → succeeded, acked when accepted, result recorded, Celery's log lines", async () => {
    const h = await startWorker({ "tasks.add": ([x, y]) => (x as number) + (y as number) });
    const id = await publishTask(h.transport, { task: "tasks.add", args: [2, 3] });
    await waitUntil(() => calls(h, id).includes("succeeded"));
    await waitUntil(() => types(h, id).includes("task-succeeded"));
    assert.deepEqual(types(h, id), ["task-received", "task-started", "task-succeeded"]);
    const succeeded = h.events.sent.find((e) => e.type === "task-succeeded");
    assert.equal(succeeded?.fields["result"], "5");
    assert.deepEqual(settled(h, id), ["ack"]);
    assert.deepEqual((h.outcomes.calls.find((c) => c.method === "succeeded")?.detail as { value: unknown }).value, 5);
    const log = h.logger.lines.join("");
    assert.match(log, new RegExp(`\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}: INFO/MainProcess\\] Task tasks.add\\[${id}\\] received`));
    assert.match(log, new RegExp(`INFO/MainProcess\\] Task tasks.add\\[${id}\\] succeeded in \\d+\\.\\d+(e-\\d+)?s: 5\\n`));
    assert.equal(h.worker.state.processed, 1);
    assert.equal(h.worker.state.totals.get("tasks.add"), 1);
    await h.worker.stop();
  });

  it("a failure is recorded, logged as `raised unexpected: ValueError('boom')` with a traceback, and sends task-failed", async () => {
    const h = await startWorker({
      "tasks.fail": () => {
        throw new ValueError("boom");
      },
    });
    const id = await publishTask(h.transport, { task: "tasks.fail" });
    await waitUntil(() => types(h, id).includes("task-failed"));
    assert.deepEqual(calls(h, id), ["failed"]);
    const failed = h.events.sent.find((e) => e.type === "task-failed");
    assert.equal(failed?.fields["exception"], "ValueError('boom')");
    assert.match(String(failed?.fields["traceback"]), /^Traceback \(most recent call last\):\n[\s\S]*ValueError: boom\n$/);
    assert.match(h.logger.lines.join(""), new RegExp(`ERROR/MainProcess\\] Task tasks.fail\\[${id}\\] raised unexpected: ValueError\\('boom'\\)\\nTraceback`));
    assert.deepEqual(settled(h, id), ["ack"]);
    await h.worker.stop();
  });

  it("acks_late: acked only after the outcome is recorded; failure with acksOnFailureOrTimeout=false rejects without requeue", async () => {
    const order: string[] = [];
    const h = await startWorker({
      "late.ok": { handler: async () => 1, options: { acksLate: true } },
      "late.fail": {
        handler: () => {
          throw new ValueError("x");
        },
        options: { acksLate: true, acksOnFailureOrTimeout: false },
      },
    });
    const ok = await publishTask(h.transport, { task: "late.ok" });
    const bad = await publishTask(h.transport, { task: "late.fail" });
    await waitUntil(() => settled(h, ok).length === 1 && settled(h, bad).length === 1);
    for (const c of h.outcomes.calls) order.push(`${c.method}:${c.id}`);
    assert.deepEqual(settled(h, ok), ["ack"]);
    assert.deepEqual(settled(h, bad), ["reject"]);
    assert.ok(h.outcomes.calls.some((c) => c.method === "succeeded" && c.id === ok));
    assert.deepEqual(types(h, bad), ["task-received", "task-started", "task-failed", "task-rejected"]);
    await h.worker.stop();
  });

  it("Reject(requeue) requeues, Ignore acks with nothing stored, context.retry() asks the recorder and sends task-retried", async () => {
    let rejectedOnce = false;
    const h = await startWorker({
      // Reject only means something with acks_late: otherwise the message was acked when the task started.
      "t.reject": {
        handler: () => {
          if (!rejectedOnce) {
            rejectedOnce = true;
            throw new Reject("again", true);
          }
          return "second run";
        },
        options: { acksLate: true },
      },
      "t.ignore": {
        handler: () => {
          throw new Ignore();
        },
        options: { acksLate: true },
      },
      "t.retry": (_a, _k, ctx) => ctx.retry({ countdown: 7, exc: new ValueError("flaky") }),
    });
    const r = await publishTask(h.transport, { task: "t.reject" });
    const i = await publishTask(h.transport, { task: "t.ignore" });
    const t = await publishTask(h.transport, { task: "t.retry" });
    await waitUntil(() => calls(h, r).includes("succeeded") && types(h, t).includes("task-retried") && settled(h, i).length === 1);
    assert.deepEqual(settled(h, r), ["requeue", "ack"]);
    assert.deepEqual(calls(h, r), ["succeeded"]);
    assert.deepEqual(
      types(h, r).filter((x) => x === "task-rejected"),
      ["task-rejected"],
    );
    assert.deepEqual(settled(h, i), ["ack"]);
    assert.deepEqual(calls(h, i), []);
    const retry = h.outcomes.calls.find((c) => c.method === "retry");
    assert.equal((retry?.detail as { countdown: number }).countdown, 7);
    const retried = h.events.sent.find((e) => e.type === "task-retried");
    assert.equal(retried?.fields["exception"], "ValueError('flaky')");
    assert.match(h.logger.lines.join(""), new RegExp(`Task t.retry\\[${t}\\] retry: Retry in 7s: ValueError\\('flaky'\\)`));
    await h.worker.stop();
  });

  it("autoretryFor with retryBackoff asks for min(backoffMax, factor·2^retries) without jitter", async () => {
    const h = await startWorker({
      "t.auto": {
        handler: () => {
          throw new ValueError("net");
        },
        options: { autoretryFor: ["ValueError"], retryBackoff: 2, retryJitter: false, retryBackoffMax: 600 },
      },
    });
    const id = await publishTask(h.transport, { task: "t.auto", retries: 3 });
    await waitUntil(() => calls(h, id).includes("retry"));
    const detail = h.outcomes.calls.find((c) => c.method === "retry")?.detail as { countdown: number; exc: Error };
    assert.equal(detail.countdown, 16);
    assert.equal(detail.exc.message, "net");
    await h.worker.stop();
  });

  it("retries exhausted: the recorder stored the failure; the worker sends task-failed and logs it", async () => {
    const h = await startWorker({ "t.retry": (_a, _k, ctx) => ctx.retry({ exc: new ValueError("gone") }) }, { retry: "exhausted" });
    const id = await publishTask(h.transport, { task: "t.retry", retries: 3 });
    await waitUntil(() => types(h, id).includes("task-failed"));
    assert.equal(h.events.sent.find((e) => e.type === "task-failed")?.fields["exception"], "ValueError('gone')");
    await h.worker.stop();
  });

  it("hard time limit from the timelimit header: TimeLimitExceeded(hard) recorded; acks_late without acksOnFailureOrTimeout requeues", async () => {
    let runs = 0;
    const h = await startWorker({
      "t.slow": {
        handler: async () => {
          runs += 1;
          if (runs === 1) await delay(10_000);
          return "done";
        },
        options: { acksLate: true, acksOnFailureOrTimeout: false },
      },
    });
    const id = await publishTask(h.transport, { task: "t.slow", timeLimit: 0.2 });
    await waitUntil(() => calls(h, id).includes("succeeded"), 5000);
    const failed = h.outcomes.calls.find((c) => c.method === "failed")?.detail as { excArgs: unknown[]; name: string };
    assert.equal(failed.name, "TimeLimitExceeded");
    assert.deepEqual(failed.excArgs, [0.2]);
    assert.deepEqual(settled(h, id), ["requeue", "ack"]);
    assert.match(h.logger.lines.join(""), /ERROR\/MainProcess\] Hard time limit \(0\.2s\) exceeded for t\.slow/);
    await h.worker.stop();
  });
});

describe("worker core: pool outcomes the async pool never produces", () => {
  /** A pool that answers every run with the outcome `outcomeFor` picks (as a process pool would for a dead child). */
  function scriptedPool(outcomeFor: (taskName: string) => ExecutionOutcome): ExecutionPool {
    return {
      implementation: "scripted",
      concurrency: 2,
      pids: () => [4242],
      async run(task, _request, _limits, hooks) {
        hooks.onAccepted(4242);
        return outcomeFor(task.name);
      },
      terminate: () => false,
      resize() {},
      async close() {},
    };
  }

  it("worker-lost (§5.4): acks_late + rejectOnWorkerLost requeues with nothing stored; otherwise FAILURE WorkerLostError and ack", async () => {
    const memory = new MemoryTransport();
    const transport = recordingTransport(memory);
    const outcomes = recordingOutcomes();
    const events = recordingEvents();
    const lost: ExecutionOutcome = {
      kind: "worker-lost",
      error: new WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 0."),
      runtimeSeconds: 0.1,
    };
    const logger = captureLogger();
    let runs = 0;
    // The requeued message comes straight back: the second run succeeds.
    const outcomeFor = (name: string): ExecutionOutcome => (name === "t.requeue" && ++runs > 1 ? { kind: "success", value: "again", runtimeSeconds: 0 } : lost);
    const worker = createWorker({
      broker: transport,
      backend: null,
      pool: "process",
      processPool: () => scriptedPool(outcomeFor),
      hostname: "lost@test",
      outcomes,
      eventDispatcher: events,
      control: false,
      heartbeat: false,
      logger,
    });
    worker.registry.register("t.requeue", () => 1, { acksLate: true, rejectOnWorkerLost: true });
    worker.registry.register("t.fail", () => 1, { acksLate: true });
    await worker.start();
    const requeue = await publishTask(transport, { task: "t.requeue" });
    const fail = await publishTask(transport, { task: "t.fail" });
    await waitUntil(() => outcomes.calls.some((c) => c.id === requeue) && transport.settlements.some((x) => x.id === fail));
    assert.deepEqual(
      transport.settlements.filter((x) => x.id === requeue).map((x) => x.action),
      ["requeue", "ack"],
    );
    assert.deepEqual(
      outcomes.calls.filter((c) => c.id === requeue).map((c) => c.method),
      ["succeeded"],
      "nothing stored for the lost run",
    );
    assert.deepEqual(
      transport.settlements.filter((x) => x.id === fail).map((x) => x.action),
      ["ack"],
    );
    assert.deepEqual(
      outcomes.calls.filter((c) => c.id === fail).map((c) => [c.method, c.options]),
      [["failed", { traceback: false }]],
      "stored without a traceback, as Celery's mark_as_failure in Request.on_failure",
    );
    assert.equal(events.sent.filter((e) => e.type === "task-failed" && e.fields["uuid"] === requeue).length, 0);
    assert.deepEqual(
      events.sent.filter((e) => e.type === "task-rejected" && e.fields["uuid"] === requeue).map((e) => e.fields["requeue"]),
      [true],
    );
    // Logged whether requeued or failed (request.py `on_failure` ends with it either way).
    assert.equal(logger.lines.filter((line) => line.includes("Task handler raised error: WorkerLostError(")).length, 2);
    assert.equal(
      events.sent.find((e) => e.type === "task-failed" && e.fields["uuid"] === fail)?.fields["exception"],
      "WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: 0.')",
    );
    assert.equal(worker.poolImplementation(), "scripted");
    await worker.stop({ cold: true });
  });

  it("worker-lost with retryOnWorkerLost: retried outside the task while retries are left (ack, task-retried), then FAILURE without a requeue", async () => {
    const memory = new MemoryTransport();
    const transport = recordingTransport(memory);
    const outcomes = recordingOutcomes();
    const events = recordingEvents();
    const logger = captureLogger();
    const error = new WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 0.");
    const worker = createWorker({
      broker: transport,
      backend: null,
      pool: "process",
      processPool: () => scriptedPool(() => ({ kind: "worker-lost", error, runtimeSeconds: 0.1 })),
      hostname: "lost@test",
      outcomes,
      eventDispatcher: events,
      control: false,
      heartbeat: false,
      logger,
    });
    const options = { acksLate: true, rejectOnWorkerLost: true, retryOnWorkerLost: true, maxRetries: 1, defaultRetryDelay: 5 };
    worker.registry.register("t.retry", () => 1, options);
    await worker.start();
    const first = await publishTask(transport, { task: "t.retry" });
    const last = await publishTask(transport, { task: "t.retry", retries: 1 });
    await waitUntil(() => transport.settlements.some((x) => x.id === first) && transport.settlements.some((x) => x.id === last));
    assert.deepEqual(
      outcomes.calls.filter((c) => c.id === first).map((c) => [c.method, c.detail]),
      [["retry", { countdown: 5, exc: error, maxRetries: null, outsideTask: true }]],
    );
    assert.deepEqual(
      transport.settlements.filter((x) => x.id === first).map((x) => x.action),
      ["ack"],
    );
    assert.deepEqual(
      events.sent.filter((e) => e.fields["uuid"] === first && e.type !== "task-received" && e.type !== "task-started").map((e) => e.type),
      ["task-retried"],
    );
    assert.ok(logger.lines.some((line) => line.includes(`Task t.retry[${first}] retry: Retry in 5s: WorkerLostError('Worker exited prematurely`)));
    // retries (1) >= maxRetries (1): reject_on_worker_lost no longer requeues; acked and FAILURE stored.
    assert.deepEqual(
      outcomes.calls.filter((c) => c.id === last).map((c) => [c.method, c.options]),
      [["failed", { traceback: false }]],
    );
    assert.deepEqual(
      transport.settlements.filter((x) => x.id === last).map((x) => x.action),
      ["ack"],
    );
    await worker.stop({ cold: true });
  });

  it("revoke --terminate of a running task (HeldRequest.abort): REVOKED 'terminated', task-revoked terminated=true, acked", async () => {
    const h = await startWorker({ "t.forever": (_a, _k, ctx) => delay(60_000, undefined, { signal: ctx.signal }) });
    const id = await publishTask(h.transport, { task: "t.forever" });
    await waitUntil(() => h.worker.state.active.has(id));
    h.worker.state.active.get(id)?.abort("terminated");
    await waitUntil(() => calls(h, id).includes("revoked"));
    assert.deepEqual(h.outcomes.calls.find((c) => c.id === id)?.detail, "terminated");
    assert.deepEqual(h.events.sent.find((e) => e.type === "task-revoked")?.fields, { uuid: id, terminated: true, signum: "SIGTERM", expired: false });
    assert.deepEqual(settled(h, id), ["ack"]);
    await h.worker.stop();
  });

  it("trackStarted stores STARTED before the outcome; state.active shows timeStart and acknowledged while it runs", async () => {
    let release: () => void = () => undefined;
    const h = await startWorker({ "t.tracked": { handler: () => new Promise<void>((r) => (release = r)), options: { trackStarted: true } } });
    const id = await publishTask(h.transport, { task: "t.tracked" });
    await waitUntil(() => h.worker.state.active.has(id));
    const held = h.worker.state.active.get(id);
    assert.ok(held !== undefined && typeof held.timeStart === "number" && held.acknowledged);
    release();
    await waitUntil(() => calls(h, id).includes("succeeded"));
    assert.deepEqual(calls(h, id), ["started", "succeeded"]);
    await h.worker.stop();
  });
});

describe("worker core: refusals and revocations", () => {
  it("unknown task: error log, reject without requeue, NotRegistered recorded, task-failed without traceback", async () => {
    const h = await startWorker({});
    const id = await publishTask(h.transport, { task: "nobody.home", args: [1] });
    await waitUntil(() => types(h, id).includes("task-failed"));
    assert.deepEqual(settled(h, id), ["reject"]);
    assert.deepEqual(calls(h, id), ["notRegistered"]);
    const failed = h.events.sent.find((e) => e.type === "task-failed");
    assert.deepEqual(failed?.fields, { uuid: id, exception: "NotRegistered('nobody.home')" });
    assert.match(h.logger.lines.join(""), /ERROR\/MainProcess\] Received unregistered task of type 'nobody.home'\.[\s\S]*UnknownTask/);
    await h.worker.stop();
  });

  it("bad input per §10.1, and the worker keeps going", async () => {
    const h = await startWorker({ "tasks.add": ([x, y]) => (x as number) + (y as number) });
    const raw = (headers: unknown, body: string, contentType = "application/json"): Promise<void> =>
      h.transport.publish({
        exchange: "",
        routingKey: "celery",
        body: new TextEncoder().encode(body),
        properties: { content_type: contentType, content_encoding: "utf-8", headers: headers as Record<string, unknown> },
      });
    await raw({ id: "bad-json", task: "tasks.add" }, "[[1, 2], {}, {"); // undecodable → ack + critical
    await raw({ id: "pickled", task: "tasks.add" }, "\x80\x04K.", "application/x-python-serialize"); // ContentDisallowed → reject
    await raw({ id: "bad-eta", task: "tasks.add", eta: "tomorrow" }, "[[1, 2], {}, {}]"); // InvalidTaskError → reject
    await raw({ id: "bad-kwargs", task: "tasks.add" }, "[[1, 2], [], {}]"); // kwargs not a mapping → reject
    await raw({}, '{"hello": "world"}'); // no task anywhere → unknown message, reject
    await raw({ task: "tasks.add" }, "[[1, 2], {}, {}]"); // missing id → invalid task, reject
    const good = await publishTask(h.transport, { task: "tasks.add", args: [1, 1] });
    await waitUntil(() => calls(h, good).includes("succeeded"));
    assert.deepEqual(settled(h, "bad-json"), ["ack"]);
    assert.deepEqual(settled(h, "pickled"), ["reject"]);
    assert.deepEqual(settled(h, "bad-eta"), ["reject"]);
    assert.deepEqual(settled(h, "bad-kwargs"), ["reject"]);
    assert.deepEqual(
      h.transport.settlements.filter((s) => s.id === null).map((s) => s.action),
      ["reject", "reject"],
    );
    const log = h.logger.lines.join("");
    assert.match(log, /CRITICAL\/MainProcess\] Can't decode message body: DecodeError: /);
    assert.match(log, /ERROR\/MainProcess\] Received invalid task message: ContentDisallowed: /);
    assert.match(log, /ERROR\/MainProcess\] Received invalid task message: InvalidDateTime: /);
    assert.match(log, /ERROR\/MainProcess\] Received invalid task message: InvalidBody: /);
    assert.match(log, /WARNING\/MainProcess\] Received and deleted unknown message\.  Wrong destination\?!\?[\s\S]*UnknownProtocol/);
    assert.match(log, /ERROR\/MainProcess\] Received invalid task message: InvalidHeaders: /);
    await h.worker.stop();
  });

  it("revoked and expired tasks are discarded at receipt: REVOKED recorded, only task-revoked, acked", async () => {
    const h = await startWorker({ "tasks.add": () => 1 });
    h.worker.state.revoked.add("revoked-1");
    await publishTask(h.transport, { task: "tasks.add", id: "revoked-1" });
    const expired = await publishTask(h.transport, { task: "tasks.add", expires: new Date(Date.now() - 1000) });
    await waitUntil(() => settled(h, "revoked-1").length === 1 && settled(h, expired).length === 1);
    assert.deepEqual(
      h.outcomes.calls
        .filter((c) => c.method === "revoked")
        .map((c) => [c.id, c.detail])
        .sort(),
      [
        [expired, "expired"],
        ["revoked-1", "revoked"],
      ].sort(),
    );
    assert.deepEqual(types(h, "revoked-1"), ["task-revoked"]);
    assert.deepEqual(h.events.sent.find((e) => e.fields["uuid"] === expired)?.fields, { uuid: expired, terminated: false, signum: null, expired: true });
    assert.deepEqual(settled(h, expired), ["ack"]);
    assert.ok(h.worker.state.revoked.has(expired), "an expired id joins the revoked set (maybe_expire)");
    assert.match(h.logger.lines.join(""), new RegExp(`Discarding revoked task: tasks.add\\[${expired}\\]`));
    await h.worker.stop();
  });
});

describe("worker core: ETA, rate limits, prefetch", () => {
  it("an ETA task is held unacked in state.scheduled with prefetch +1, runs at its time, prefetch back", async () => {
    const h = await startWorker({ "tasks.now": () => Date.now() }, { concurrency: 1, prefetchMultiplier: 2 });
    const eta = new Date(Date.now() + 400);
    const id = await publishTask(h.transport, { task: "tasks.now", eta });
    await waitUntil(() => h.worker.state.scheduled.has(id));
    assert.equal(settled(h, id).length, 0, "held unacked");
    assert.equal(h.worker.prefetchCount(), 3);
    assert.deepEqual(h.transport.prefetches, [2, 3]);
    assert.deepEqual(h.worker.state.scheduled.get(id)?.eta, eta);
    await waitUntil(() => calls(h, id).includes("succeeded"), 3000);
    const ranAt = (h.outcomes.calls.find((c) => c.method === "succeeded")?.detail as { value: number }).value;
    assert.ok(ranAt >= eta.getTime(), "not before its ETA");
    assert.equal(h.worker.state.scheduled.size, 0);
    assert.deepEqual(h.transport.prefetches, [2, 3, 2]);
    await h.worker.stop();
  });

  it("a revoke arriving while an ETA task waits discards it when the ETA fires", async () => {
    const h = await startWorker({ "tasks.now": () => 1 });
    const id = await publishTask(h.transport, { task: "tasks.now", countdown: 0.3 });
    await waitUntil(() => h.worker.state.scheduled.has(id));
    h.worker.state.revoked.add(id);
    await waitUntil(() => calls(h, id).includes("revoked"), 3000);
    assert.deepEqual(types(h, id), ["task-received", "task-revoked"]);
    await h.worker.stop();
  });

  it("rateLimit '10/s' spaces one task name by ~100 ms without holding up another", async () => {
    const starts: Record<string, number[]> = { limited: [], free: [] };
    const h = await startWorker(
      {
        limited: { handler: () => void starts["limited"]!.push(performance.now()), options: { rateLimit: "10/s" } },
        free: () => void starts["free"]!.push(performance.now()),
      },
      { concurrency: 4 },
    );
    for (let i = 0; i < 4; i++) await publishTask(h.transport, { task: "limited" });
    for (let i = 0; i < 4; i++) await publishTask(h.transport, { task: "free" });
    await waitUntil(() => starts["limited"]!.length === 4 && starts["free"]!.length === 4, 3000);
    const limited = starts["limited"]!;
    for (let i = 1; i < limited.length; i++) assert.ok(limited[i]! - limited[i - 1]! >= 85, `gap ${limited[i]! - limited[i - 1]!} ms`);
    assert.ok(Math.max(...starts["free"]!) < limited[2]!, "the free task is not queued behind the limited one");
    await h.worker.stop();
  });

  it("concurrency bounds simultaneous executions; state.active/reserved show it", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const h = await startWorker({ "t.block": () => gate }, { concurrency: 2 });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await publishTask(h.transport, { task: "t.block" }));
    await waitUntil(() => h.worker.state.active.size === 2 && h.worker.state.reserved.size === 2);
    release();
    await waitUntil(() => h.outcomes.calls.filter((c) => c.method === "succeeded").length === 4);
    assert.equal(h.worker.state.active.size + h.worker.state.reserved.size, 0);
    await h.worker.stop();
  });
});

describe("worker core: fetching ahead (the transport's starving signal)", () => {
  it("Redis: starving while fewer messages wait to start than the pool takes at once, signalled when a start makes it so", async () => {
    const gates = new Map<number, () => void>();
    const h = await startWorker(
      { "t.gate": ([n]) => new Promise<void>((r) => gates.set(n as number, r)) },
      { concurrency: 2, prefetchMultiplier: 4, kind: "redis" },
    );
    const starving = (): boolean => (h.transport.fetchSignals.starving as () => boolean)();
    assert.equal(starving(), true, "nothing to start");
    for (let n = 0; n < 4; n++) await publishTask(h.transport, { task: "t.gate", args: [n] });
    await waitUntil(() => h.worker.state.active.size === 2 && h.worker.state.reserved.size === 2);
    assert.equal(starving(), false, "two wait to start: as many as the pool takes at once");
    const notified = h.transport.fetchSignals.notified;
    gates.get(0)?.();
    await waitUntil(() => h.worker.state.reserved.size === 1 && h.worker.state.active.size === 2);
    assert.equal(starving(), true, "one waits to start");
    assert.ok(h.transport.fetchSignals.notified > notified, "the consumer was told when the start made it starve");
    for (let n = 1; n < 4; n++) await waitUntil(() => gates.has(n)).then(() => gates.get(n)?.());
    await waitUntil(() => h.outcomes.calls.filter((c) => c.method === "succeeded").length === 4);
    assert.equal(starving(), true);
    await h.worker.stop();
  });
});

describe("worker core: connection loss", () => {
  it("AMQP requeued everything: held ETA/reserved messages are dropped unsettled (Celery's on_close); running ones finish; stop does not hang", async () => {
    const transport = recordingTransport(new MemoryTransport());
    const outcomes = recordingOutcomes();
    const logger = captureLogger();
    const registry = new TaskRegistry();
    let release: () => void = () => undefined;
    registry.register("t.block", () => new Promise<void>((r) => (release = r)));
    registry.register("t.later", () => "later");
    const state = new WorkerState();
    const consumer = new TaskConsumer({
      transport,
      registry,
      state,
      outcomes,
      events: recordingEvents(),
      logger,
      hostname: "lost@test",
      accept: ["json"],
      pool: new AsyncPool({ concurrency: 1 }),
      pools: new Map(),
      rateLimiter: null,
      prefetchMultiplier: 4,
      etaTaskLimit: null,
      revokedStamps: new Map(),
    });
    await transport.declareQueue({ name: "celery" });
    await consumer.start([{ name: "celery" }]);
    const running = await publishTask(transport, { task: "t.block" });
    const reserved = await publishTask(transport, { task: "t.later" });
    const eta = await publishTask(transport, { task: "t.later", countdown: 60 });
    await waitUntil(() => state.active.has(running) && state.reserved.has(reserved) && state.scheduled.has(eta));
    consumer.dropUnstarted();
    await waitUntil(() => state.reserved.size + state.scheduled.size === 0);
    assert.equal(consumer.consumers.prefetchCount(), 4, "the ETA hold was given back");
    release();
    await consumer.stopWarm();
    assert.deepEqual(
      transport.settlements.map((x) => x.id),
      [running],
      "only the running one was settled (acked)",
    );
    assert.deepEqual(
      outcomes.calls.map((c) => c.id),
      [running],
    );
    assert.match(logger.lines.join(""), /Connection lost: 2 held message\(s\) not started were requeued by the broker and dropped here/);
  });
});

describe("worker core: shutdown", () => {
  it("warm: running tasks finish and are settled; ETA and reserved ones go back to the queue", async () => {
    const h = await startWorker({ "t.sleep": { handler: () => delay(300).then(() => "slept"), options: { acksLate: true } } }, { concurrency: 1 });
    const running = await publishTask(h.transport, { task: "t.sleep" });
    const reserved = await publishTask(h.transport, { task: "t.sleep" });
    const eta = await publishTask(h.transport, { task: "t.sleep", countdown: 60 });
    await waitUntil(() => h.worker.state.active.has(running) && h.worker.state.reserved.has(reserved) && h.worker.state.scheduled.has(eta));
    await h.worker.stop();
    assert.deepEqual(calls(h, running), ["succeeded"]);
    assert.deepEqual(settled(h, running), ["ack"]);
    // Requeued, possibly delivered again to the paused consumer (parked, not run) and requeued once more.
    for (const id of [reserved, eta]) assert.deepEqual([...new Set(settled(h, id))], ["requeue"]);
    assert.deepEqual(calls(h, reserved), []);
    assert.equal(h.memory.size("celery"), 2);
  });

  it("cold: running tasks are aborted and every unacknowledged message is requeued; nothing recorded for them", async () => {
    const h = await startWorker(
      { "t.sleep": { handler: (_a, _k, ctx) => delay(5000, undefined, { signal: ctx.signal }), options: { acksLate: true } } },
      { concurrency: 2 },
    );
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publishTask(h.transport, { task: "t.sleep" }));
    await waitUntil(() => h.worker.state.active.size === 2 && h.worker.state.reserved.size === 1);
    const t0 = Date.now();
    await h.worker.stop({ cold: true });
    assert.ok(Date.now() - t0 < 1000, "cold shutdown does not wait for tasks");
    for (const id of ids) assert.deepEqual([...new Set(settled(h, id))], ["requeue"]);
    assert.deepEqual(h.outcomes.calls, []);
    assert.equal(h.memory.size("celery"), 3);
  });

  it("cold, early acks (the default): the running task was acknowledged when it started and is not requeued, as in Celery", async () => {
    const h = await startWorker({ "t.sleep": { handler: (_a, _k, ctx) => delay(5000, undefined, { signal: ctx.signal }), options: {} } }, { concurrency: 1 });
    const running = await publishTask(h.transport, { task: "t.sleep" });
    const reserved = await publishTask(h.transport, { task: "t.sleep" });
    await waitUntil(() => h.worker.state.active.has(running) && h.worker.state.reserved.has(reserved));
    await h.worker.stop({ cold: true });
    assert.deepEqual(settled(h, running), ["ack"], "acked at start, gone");
    assert.deepEqual([...new Set(settled(h, reserved))], ["requeue"], "not started: requeued");
    assert.equal(h.memory.size("celery"), 1);
  });

  it("a cold stop while a warm one waits escalates it", async () => {
    const h = await startWorker({ "t.sleep": { handler: () => delay(5000), options: { acksLate: true } } }, { concurrency: 1 });
    const id = await publishTask(h.transport, { task: "t.sleep" });
    await waitUntil(() => h.worker.state.active.has(id));
    const warm = h.worker.stop();
    await sleep(50);
    await h.worker.stop({ cold: true });
    await warm;
    assert.deepEqual([...new Set(settled(h, id))], ["requeue"]);
    assert.equal(h.memory.size("celery"), 1);
  });
});
