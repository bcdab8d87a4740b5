// worker_deduplicate_successful_tasks in the worker core, on the in-memory transport (a rejected-with-requeue message
// comes back `redelivered`, as on the brokers): which deliveries are checked, what a skipped one sends and settles,
// the local set before the backend, the cases where the task runs after all, and the settings that bound it.
// The live behaviour against real brokers and Python Celery is in conformance/tests/worker-deduplicate-successful.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import type { Delivery } from "../../sdk/src/transport/transport.js";
import { LimitedSet } from "../src/app/limited-set.js";
import type { TaskOptions } from "../src/app/task-options.js";
import { compileWorkerOptions } from "../src/compile-worker-options.js";
import { createWorker } from "../src/create-worker.js";
import { Reject } from "../src/errors/task-control-errors.js";
import type { OutcomeRecorder, StoredSuccessCheck } from "../src/outcomes/outcome-recorder.js";
import type { Worker } from "../src/worker.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, recordingTransport, waitUntil } from "./core-fixtures.js";

interface Harness {
  readonly worker: Worker;
  readonly transport: ReturnType<typeof recordingTransport>;
  readonly events: ReturnType<typeof recordingEvents>;
  readonly logger: ReturnType<typeof captureLogger>;
  /** Handler calls by task id. */
  readonly runs: Map<string, number>;
  /** Ids `checkStoredSuccess` was asked about, in order. */
  readonly lookups: string[];
  /** `delivery_info.redelivered` of each handler call. */
  readonly redelivered: boolean[];
}

/**
 * A worker whose task `dd.task` rejects (requeue) its first delivery, so the second one is `redelivered`, and returns
 * 42 after (with `rejectFirst: false`, it returns 42 at once). `check` answers the recorder's `checkStoredSuccess`;
 * null leaves the method out. `memory`: the transport, with messages already queued.
 */
async function startWorker(options: {
  readonly check: ((id: string, call: number) => Promise<StoredSuccessCheck>) | null;
  readonly deduplicate?: boolean;
  readonly task?: TaskOptions;
  readonly backend?: string | null;
  readonly memory?: MemoryTransport;
  readonly rejectFirst?: boolean;
}): Promise<Harness> {
  const transport = recordingTransport(options.memory ?? new MemoryTransport());
  const events = recordingEvents();
  const logger = captureLogger("DEBUG");
  const runs = new Map<string, number>();
  const lookups: string[] = [];
  const redelivered: boolean[] = [];
  const base = recordingOutcomes();
  const check = options.check;
  const outcomes: OutcomeRecorder =
    check === null
      ? base
      : {
          ...base,
          checkStoredSuccess: (request) => {
            lookups.push(request.id);
            return check(request.id, lookups.length);
          },
        };
  const worker = createWorker({
    broker: transport,
    backend: options.backend ?? null,
    concurrency: 1,
    hostname: "dedupe@test",
    ...(options.backend === undefined ? { outcomes } : {}),
    eventDispatcher: events,
    control: false,
    heartbeat: false,
    logger,
    config: { worker_deduplicate_successful_tasks: options.deduplicate ?? true },
  });
  worker.registry.register(
    "dd.task",
    (_args, _kwargs, context) => {
      redelivered.push(context.request.deliveryInfo?.redelivered === true);
      const n = (runs.get(context.request.id) ?? 0) + 1;
      runs.set(context.request.id, n);
      if (n === 1 && options.rejectFirst !== false) throw new Reject("first delivery", true);
      return 42;
    },
    options.task ?? { acksLate: true },
  );
  await worker.start();
  return { worker, transport, events, logger, runs, lookups, redelivered };
}

const settled = (h: Harness, id: string): string[] => h.transport.settlements.filter((s) => s.id === id).map((s) => s.action);
const eventsOf = (h: Harness, id: string) => h.events.sent.filter((e) => e.fields["uuid"] === id);
const SKIP_LINE = (id: string): string => `Task dd.task[${id}] Task already completed successfully.`;

describe("worker_deduplicate_successful_tasks: the worker core", () => {
  it("a redelivered acks_late task whose SUCCESS is stored: not run, Celery's line, acked, task-succeeded with None, id remembered", async () => {
    const h = await startWorker({ check: async () => ({ kind: "succeeded" }) });
    const id = await publishTask(h.transport, { task: "dd.task" });
    await waitUntil(() => settled(h, id).length === 2, 5000, "the requeue and the ack");
    assert.deepEqual(settled(h, id), ["requeue", "ack"]);
    assert.equal(h.runs.get(id), 1, "only the first delivery ran (and rejected itself)");
    assert.deepEqual(h.lookups, [id], "only the redelivered copy was looked up");
    assert.ok(
      h.logger.lines.some((l) => l.includes(`INFO/MainProcess] ${SKIP_LINE(id)}`)),
      h.logger.lines.join(""),
    );
    // The requeued copy may arrive before task-rejected goes out; the second delivery ends as Celery's on_success does.
    assert.deepEqual(
      eventsOf(h, id)
        .map((e) => e.type)
        .sort(),
      ["task-received", "task-received", "task-rejected", "task-started", "task-started", "task-succeeded"],
    );
    assert.deepEqual(eventsOf(h, id).at(-1)?.fields, { uuid: id, result: null, runtime: null });
    assert.ok(h.worker.state.successful.has(id));
    assert.equal(h.worker.state.processed, 2, "accepted twice, as Celery's pool accepts the deduplicated request");
    await h.worker.stop();
  });

  it("an id in the worker's own set is skipped before any lookup, with no log line", async () => {
    const h = await startWorker({ check: async () => ({ kind: "not-succeeded", state: "PENDING" }) });
    const id = "00000000-0000-4000-8000-00000000d0d0";
    h.worker.state.successful.add(id);
    await publishTask(h.transport, { task: "dd.task", id });
    await waitUntil(() => settled(h, id).length === 2, 5000, "the requeue and the ack");
    assert.deepEqual(settled(h, id), ["requeue", "ack"]);
    assert.equal(h.runs.get(id), 1);
    assert.deepEqual(h.lookups, []);
    assert.ok(!h.logger.lines.some((l) => l.includes("already completed")));
    assert.equal(eventsOf(h, id).at(-1)?.type, "task-succeeded");
    await h.worker.stop();
  });

  it("it runs: no success stored; a failed lookup (warned, naming the setting); the setting off", async () => {
    const pending = await startWorker({ check: async () => ({ kind: "not-succeeded", state: "PENDING" }) });
    const failing = await startWorker({ check: async () => ({ kind: "lookup-failed", error: new Error("connection refused") }) });
    const off = await startWorker({ check: async () => ({ kind: "succeeded" }), deduplicate: false });
    for (const h of [pending, failing, off]) {
      const id = await publishTask(h.transport, { task: "dd.task" });
      await waitUntil(() => h.runs.get(id) === 2, 5000, "the second run");
      await waitUntil(() => settled(h, id).length === 2, 5000, "the second settlement");
      assert.ok(!h.logger.lines.some((l) => l.includes("already completed")));
      assert.equal(eventsOf(h, id).at(-1)?.type, "task-succeeded");
      assert.ok(h.worker.state.successful.has(id), "a success is remembered, as Celery's task_ready does");
    }
    assert.ok(
      failing.logger.lines.some(
        (l) => l.includes("WARNING") && l.includes("worker_deduplicate_successful_tasks") && l.includes("running it again") && l.includes("connection refused"),
      ),
      failing.logger.lines.join(""),
    );
    assert.equal(off.lookups.length, 0);
    await Promise.all([pending, failing, off].map((h) => h.worker.stop()));
  });

  it("a task without acks_late is never checked, redelivered or not (Celery: task_acks_late or the task's acks_late)", async () => {
    const memory = new MemoryTransport();
    await memory.declareQueue({ name: "celery" });
    const id = await publishTask(memory, { task: "dd.task" });
    // Made redelivered before the worker starts: taken, then (its consumer gone) rejected with requeue.
    const taken: Delivery[] = [];
    const consumer = await memory.consume(["celery"], (d) => taken.push(d), { prefetch: 1 });
    await waitUntil(() => taken.length === 1, 5000, "the first delivery");
    await consumer.cancel();
    await taken[0]?.reject(true);
    const h = await startWorker({ check: async () => ({ kind: "succeeded" }), task: {}, memory, rejectFirst: false });
    await waitUntil(() => h.runs.get(id) === 1, 5000, "the run");
    assert.deepEqual(h.redelivered, [true], "it ran from the redelivered copy");
    assert.deepEqual(h.lookups, []);
    await h.worker.stop();
  });

  it("applying the stored success's callbacks fails: both log lines, requeued (Celery's Reject(requeue=True)), skipped next time", async () => {
    const h = await startWorker({
      check: async (_id, call) => {
        if (call === 1) throw new Error("publish failed");
        return { kind: "succeeded" };
      },
    });
    const id = await publishTask(h.transport, { task: "dd.task" });
    await waitUntil(() => settled(h, id).length === 3, 5000, "requeue, requeue, ack");
    assert.deepEqual(settled(h, id), ["requeue", "requeue", "ack"]);
    assert.equal(h.runs.get(id), 1);
    assert.ok(h.logger.lines.some((l) => l.includes(`ERROR/MainProcess] Failed to dispatch chain/callbacks for deduplicated task ${id}`)));
    assert.equal(h.logger.lines.filter((l) => l.includes(SKIP_LINE(id))).length, 2);
    assert.deepEqual(
      eventsOf(h, id)
        .map((e) => e.type)
        .slice(-2),
      ["task-started", "task-succeeded"],
    );
    assert.equal(eventsOf(h, id).filter((e) => e.type === "task-rejected").length, 2);
    await h.worker.stop();
  });

  it("a result backend that is not persistent turns it off, the local set too (Celery's backend.persistent), and says why", async () => {
    const rpc = await startWorker({ check: null, backend: "rpc://" });
    const none = await startWorker({ check: null, backend: null });
    for (const [h, fix] of [
      [rpc, "set result_persistent = True"],
      [none, "set result_backend"],
    ] as const) {
      assert.ok(
        h.logger.lines.some((l) => l.includes("WARNING") && l.includes("worker_deduplicate_successful_tasks is on but has no effect") && l.includes(fix)),
        h.logger.lines.join(""),
      );
      const id = "00000000-0000-4000-8000-00000000beef";
      h.worker.state.successful.add(id);
      await publishTask(h.transport, { task: "dd.task", id });
      await waitUntil(() => h.runs.get(id) === 2, 5000, "the second run");
    }
    await Promise.all([rpc.worker.stop(), none.worker.stop()]);
  });
});

describe("successful_requests bounds (CELERY_WORKER_SUCCESSFUL_MAX / _EXPIRES)", () => {
  it("read from the environment as Celery does, 1000 ids and 3 hours by default; a bad value names the variable", () => {
    assert.deepEqual(compileWorkerOptions({}, {}).successfulRequests, { maxlen: 1000, expiresSeconds: 10_800 });
    assert.deepEqual(compileWorkerOptions({}, { CELERY_WORKER_SUCCESSFUL_MAX: "5", CELERY_WORKER_SUCCESSFUL_EXPIRES: "2.5" }).successfulRequests, {
      maxlen: 5,
      expiresSeconds: 2.5,
    });
    assert.throws(() => compileWorkerOptions({}, { CELERY_WORKER_SUCCESSFUL_MAX: "lots" }), /CELERY_WORKER_SUCCESSFUL_MAX: expected an integer >= 0/);
    assert.throws(() => compileWorkerOptions({}, { CELERY_WORKER_SUCCESSFUL_EXPIRES: "-1" }), /CELERY_WORKER_SUCCESSFUL_EXPIRES: expected a number >= 0/);
  });

  it("LimitedSet: oldest dropped past maxlen, expired ids gone; 0 means no limit, as in Celery", () => {
    let now = 1000;
    const bounded = new LimitedSet(2, 10, () => now);
    for (const id of ["a", "b", "c"]) bounded.add(id);
    assert.deepEqual(bounded.ids(), ["b", "c"]);
    now += 11;
    assert.equal(bounded.has("c"), false);
    const unbounded = new LimitedSet(0, 0, () => now);
    for (let i = 0; i < 5000; i++) unbounded.add(String(i));
    now += 1e9;
    assert.equal(unbounded.size, 5000);
    assert.ok(unbounded.has("0"));
  });
});
