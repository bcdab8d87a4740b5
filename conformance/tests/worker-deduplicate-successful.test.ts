// `worker_deduplicate_successful_tasks` on Redis (and RabbitMQ, below), against real Celery. A task message is made redelivered the way it
// happens in production: a consumer takes it and goes away without acking, and the transport's shutdown restore puts
// it back marked `redelivered` (kombu's `_do_restore_message`: in the headers and in `delivery_info`). The SUCCESS a
// redelivered copy finds was stored by another worker running the same task id (the first delivery). Checked: our
// worker skips it (Celery's log line, acked, handler not run, one backend GET); it runs one without a stored success,
// and runs everything with the setting off; its own successes short-circuit without a backend GET and without the log
// line (Celery's `successful_requests`); and a Python Celery 5.7 worker, given the same redelivered message and the
// same stored state, skips it with the same line.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { signature } from "../../sdk/src/canvas/create-signature.js";
import { toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import type { Signature } from "../../sdk/src/gen/json-schema/types.js";
import type { Client } from "../../sdk/src/client/client.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import type { Delivery } from "../../sdk/src/transport/transport.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { AMQP_URL } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

const TASK = "dedupe.record";
const STAGING = "dedupe-staging";

const PYTHON_APP = `
import os
from celery import Celery

app = Celery("dedupe_app", broker=os.environ["CONFORMANCE_BROKER_URL"], backend=os.environ["CONFORMANCE_RESULT_BACKEND"])
app.conf.update(
    task_default_queue=os.environ["CONFORMANCE_QUEUE"],
    task_acks_late=True,
    worker_deduplicate_successful_tasks=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@app.task(name="${TASK}")
def record(key):
    return "done-" + key
`;

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A TypeScript worker on one queue, counting how often each key's handler ran, its log kept in `lines`. */
interface TsWorker {
  readonly worker: Worker;
  readonly lines: string[];
  readonly runs: Map<string, number>;
}

/** A TypeScript worker (acks_late) on `queue` running `dedupe.record`, the setting as given. */
async function startRecordingWorker(broker: string, backend: string, queue: string, deduplicate: boolean): Promise<TsWorker> {
  const lines: string[] = [];
  const runs = new Map<string, number>();
  const worker = createWorker({
    broker,
    backend,
    queues: [queue],
    concurrency: 1,
    hostname: `${queue}-${process.pid}@%h`,
    logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t.trimEnd()) }),
    mingle: false,
    heartbeat: false,
    config: { worker_deduplicate_successful_tasks: deduplicate, task_acks_late: true },
  });
  worker.registry.register<[string], string, Readonly<Record<string, unknown>>>(TASK, ([key]) => {
    runs.set(key, (runs.get(key) ?? 0) + 1);
    return `done-${key}`;
  });
  await worker.start();
  return { worker, lines, runs };
}

/** Writes the Python app to a temporary directory and starts a Celery 5.7 worker (solo pool) on `queue`. */
async function startPythonWorker(brokerUrl: string, resultBackend: string, queue: string): Promise<{ python: PythonWorker; dispose(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dedupe-app-"));
  writeFileSync(path.join(dir, "dedupe_app.py"), PYTHON_APP);
  try {
    const python = await PythonWorker.start({ brokerUrl, resultBackend, queue, app: "dedupe_app", pythonPath: dir, pool: "solo" });
    return {
      python,
      dispose: async () => {
        await python.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The regular expression of Celery's line for a deduplicated task `id`. */
const succeededLine = (id: string): RegExp => new RegExp(`Task ${TASK.replace(".", "\\.")}\\[${id}\\] succeeded in`);
const alreadySucceededLine = (id: string): RegExp => new RegExp(`Task ${TASK.replace(".", "\\.")}\\[${id}\\] Task already completed successfully\\.`);

describe("worker_deduplicate_successful_tasks on Redis (real Celery 5.7 semantics)", { timeout: 180_000 }, () => {
  let server: PrivateRedisServer;
  let raw: Redis;
  let monitor: { disconnect(): void } | null = null;
  /** Every command Redis ran, in order (MONITOR). */
  const seen: { readonly name: string; readonly args: readonly string[] }[] = [];
  let client: Client;
  const workers: TsWorker[] = [];
  let first: TsWorker;
  let deduplicating: TsWorker;
  let notDeduplicating: TsWorker;

  async function startTsWorker(queue: string, deduplicate: boolean): Promise<TsWorker> {
    const started = await startRecordingWorker(server.url(0), server.url(1), queue, deduplicate);
    workers.push(started);
    return started;
  }

  /** A success callback `dedupe.record(<retval>)` routed to `queue`. */
  const callbackTo = (queue: string): Signature => toSignatureDict(signature(TASK, [], {}, { queue }));

  /** Queues the task for `key` with `id` on the staging queue and makes it redelivered (consumed, not acked, restored). */
  async function stageRedelivered(id: string, key: string, link?: Signature): Promise<void> {
    await client.enqueue(TASK, [key], {}, { id, queue: STAGING, ...(link === undefined ? {} : { link }) });
    const transport = await createTransport(server.url(0));
    try {
      let taken: Delivery | null = null;
      await transport.consume([STAGING], (d) => (taken = d), { prefetch: 1 });
      await waitFor(() => taken !== null, "the staged message");
    } finally {
      // Closing with the delivery unacked is kombu's `restore_at_shutdown`: back to the front of the queue, redelivered.
      await transport.close();
    }
    const envelope = await raw.lindex(STAGING, -1);
    assert.ok(envelope, "the restored message is back on the staging queue");
    assert.ok(envelope.includes(id), "the restored message is the staged task");
    const parsed = JSON.parse(envelope) as { headers: Record<string, unknown>; properties: { delivery_info: Record<string, unknown> } };
    assert.equal(parsed.headers["redelivered"], true, "restored with headers.redelivered");
    assert.equal(parsed.properties.delivery_info["redelivered"], true, "restored with delivery_info.redelivered");
  }

  /** Moves the staged redelivered message, byte for byte, to the front of `queue` (where a consumer pops next). */
  async function deliverStaged(queue: string): Promise<void> {
    assert.notEqual(await raw.lmove(STAGING, queue, "RIGHT", "RIGHT"), null, "a staged message to deliver");
  }

  /** Runs `key` under `id` once through the first worker (the delivery that stored SUCCESS before its ack was lost). */
  async function storeSuccessByFirstRun(id: string, key: string, link?: Signature): Promise<void> {
    const result = await client.enqueue(TASK, [key], {}, { id, queue: "dedupe-first", ...(link === undefined ? {} : { link }) });
    assert.equal(await result.get({ timeoutMs: 15_000 }), `done-${key}`);
  }

  /** The `children` stored with the SUCCESS of `id` (what tells a deduplicating worker the callbacks went out). */
  async function storedChildren(id: string): Promise<unknown[]> {
    const backend = new Redis(server.url(1));
    try {
      const meta = JSON.parse((await backend.get(`celery-task-meta-${id}`)) ?? "{}") as { children?: unknown[] };
      return meta.children ?? [];
    } finally {
      backend.disconnect();
    }
  }

  /** Nothing of `id` left on `queue` or in `unacked`: the message was acked. */
  async function settled(queue: string, id: string): Promise<boolean> {
    const queued = await raw.lrange(queue, 0, -1);
    const unacked = await raw.hvals("unacked");
    return !queued.some((e) => e.includes(id)) && !unacked.some((e) => e.includes(id));
  }

  const metaGets = (id: string, from: number): number => seen.slice(from).filter((c) => c.name === "get" && c.args[0] === `celery-task-meta-${id}`).length;
  const linesAbout = (lines: readonly string[], id: string): string[] => lines.filter((l) => l.includes(id));

  before(async () => {
    server = await PrivateRedisServer.start();
    raw = new Redis(server.url(0));
    const watcher = new Redis(server.url(0));
    const m = await watcher.monitor();
    watcher.disconnect();
    monitor = m;
    m.on("monitor", (_time: string, args: string[]) => seen.push({ name: (args[0] ?? "").toLowerCase(), args: args.slice(1) }));
    client = await createClient({ broker: server.url(0), backend: server.url(1), defaultQueue: STAGING });
    first = await startTsWorker("dedupe-first", false);
    deduplicating = await startTsWorker("dedupe-ts", true);
    notDeduplicating = await startTsWorker("dedupe-off", false);
  });

  after(async () => {
    for (const w of workers) await w.worker.stop().catch(() => undefined);
    await client?.close();
    monitor?.disconnect();
    raw?.disconnect();
    await server?.dispose();
  });

  it("(1) a redelivered task whose SUCCESS is stored is not run: Celery's line, one backend GET, acked", async () => {
    const id = randomUUID();
    await storeSuccessByFirstRun(id, "stored");
    await stageRedelivered(id, "stored");
    const mark = seen.length;
    await deliverStaged("dedupe-ts");
    await waitFor(() => deduplicating.lines.some((l) => l.includes(`Task ${TASK}[${id}] Task already completed successfully.`)), "the deduplication log line");
    await waitFor(() => settled("dedupe-ts", id), "the ack");
    assert.equal(deduplicating.runs.get("stored"), undefined, "the handler did not run on the deduplicating worker");
    assert.equal(first.runs.get("stored"), 1, "it ran once, on the first worker");
    assert.equal(metaGets(id, mark), 1, "one backend lookup");
    const lines = linesAbout(deduplicating.lines, id);
    assert.ok(lines[0]?.includes(`Task ${TASK}[${id}] received`), lines.join("\n"));
    assert.ok(!lines.some((l) => l.includes("succeeded in")), `no success line of a run:\n${lines.join("\n")}`);
    assert.equal(await raw.llen("dedupe-ts"), 0, "the queue is empty");
  });

  it("(2) a redelivered task without a stored success runs", async () => {
    const id = randomUUID();
    await stageRedelivered(id, "fresh");
    await deliverStaged("dedupe-ts");
    await waitFor(() => deduplicating.lines.some((l) => l.includes(`Task ${TASK}[${id}] succeeded in`)), "the run");
    await waitFor(() => settled("dedupe-ts", id), "the ack");
    assert.equal(deduplicating.runs.get("fresh"), 1);
    assert.ok(!deduplicating.lines.some((l) => l.includes(id) && l.includes("already completed")));
    assert.equal((await client.result(id).get({ timeoutMs: 5_000 })) as string, "done-fresh");
  });

  it("(3) with the setting off, a redelivered task whose SUCCESS is stored runs again", async () => {
    const id = randomUUID();
    await storeSuccessByFirstRun(id, "off");
    await stageRedelivered(id, "off");
    await deliverStaged("dedupe-off");
    await waitFor(() => notDeduplicating.lines.some((l) => l.includes(`Task ${TASK}[${id}] succeeded in`)), "the second run");
    await waitFor(() => settled("dedupe-off", id), "the ack");
    assert.equal(notDeduplicating.runs.get("off"), 1);
    assert.equal(first.runs.get("off"), 1);
  });

  it("(4) a task this worker completed is skipped from its own set: no backend GET, no log line, acked", async () => {
    const id = randomUUID();
    // The worker runs it (acks_late) and so remembers the id, as Celery's task_ready adds it to successful_requests.
    const result = await client.enqueue(TASK, ["local"], {}, { id, queue: "dedupe-ts" });
    assert.equal(await result.get({ timeoutMs: 15_000 }), "done-local");
    await waitFor(() => settled("dedupe-ts", id), "the first ack");
    assert.ok(deduplicating.worker.state.successful.has(id));
    await stageRedelivered(id, "local");
    const mark = seen.length;
    const linesBefore = deduplicating.lines.length;
    await deliverStaged("dedupe-ts");
    await waitFor(() => deduplicating.lines.slice(linesBefore).some((l) => l.includes(`Task ${TASK}[${id}] received`)), "the receipt");
    await waitFor(() => settled("dedupe-ts", id), "the ack");
    assert.equal(deduplicating.runs.get("local"), 1, "ran once only");
    assert.equal(metaGets(id, mark), 0, "no backend lookup");
    const logged = deduplicating.lines.slice(linesBefore).filter((l) => l.includes(id));
    assert.deepEqual(
      logged.map((l) => l.replace(/^.*?Task /, "Task ")),
      [`Task ${TASK}[${id}] received`],
      "only the receipt is logged (Celery returns before LOG_IGNORED)",
    );
  });

  it("(4b) callbacks: applied with the stored result when the stored SUCCESS has no children, not again when it has", async () => {
    const bare = randomUUID();
    await storeSuccessByFirstRun(bare, "linked");
    assert.deepEqual(await storedChildren(bare), []);
    await stageRedelivered(bare, "linked", callbackTo("dedupe-ts"));
    await deliverStaged("dedupe-ts");
    // The callback gets the stored result as its argument: dedupe.record("done-linked").
    await waitFor(() => deduplicating.runs.get("done-linked") === 1, "the callback applied by the deduplicated task");
    await waitFor(() => settled("dedupe-ts", bare), "the ack");
    assert.equal(deduplicating.runs.get("linked"), undefined, "the task itself did not run");

    const applied = randomUUID();
    await storeSuccessByFirstRun(applied, "kids", callbackTo("dedupe-first"));
    await waitFor(() => first.runs.get("done-kids") === 1, "the first run's callback");
    assert.equal((await storedChildren(applied)).length, 1, "the first run stored its callback as a child");
    await stageRedelivered(applied, "kids", callbackTo("dedupe-ts"));
    const linesBefore = deduplicating.lines.length;
    await deliverStaged("dedupe-ts");
    await waitFor(() => deduplicating.lines.slice(linesBefore).some((l) => l.includes(`[${applied}] Task already completed successfully.`)), "the skip");
    await waitFor(() => settled("dedupe-ts", applied), "the ack");
    // A callback would have been published before the ack: none is queued, none ran.
    assert.deepEqual(await raw.lrange("dedupe-ts", 0, -1), []);
    assert.equal(deduplicating.runs.get("done-kids"), undefined);
    assert.equal(deduplicating.runs.get("kids"), undefined);
  });

  it("(5) a Python Celery 5.7 worker skips the same redelivered message with the same stored state, with the same line", async () => {
    const { python, dispose } = await startPythonWorker(server.url(0), server.url(1), "dedupe-py");
    try {
      const stored = randomUUID();
      await storeSuccessByFirstRun(stored, "py-stored");
      await stageRedelivered(stored, "py-stored");
      await deliverStaged("dedupe-py");
      await python.waitFor(alreadySucceededLine(stored), 20_000);
      await waitFor(() => settled("dedupe-py", stored), "Python's ack");
      assert.ok(!python.log.includes(`Task ${TASK}[${stored}] succeeded in`), python.log);
      const ours = deduplicating.lines.find((l) => l.includes("Task already completed successfully."))?.replace(/^.*?(Task )/, "$1");
      const theirs = python.log
        .split("\n")
        .find((l) => l.includes(`[${stored}] Task already completed successfully.`))
        ?.replace(/^.*?(Task )/, "$1");
      assert.equal(theirs?.replace(stored, "<id>"), ours?.replace(/\[[^\]]+\]/, "[<id>]"), "the same line");

      // Like ours, it applies the callback with the stored result when the stored SUCCESS has no children.
      const linked = randomUUID();
      await storeSuccessByFirstRun(linked, "py-linked");
      await stageRedelivered(linked, "py-linked", callbackTo("dedupe-py"));
      await deliverStaged("dedupe-py");
      await python.waitFor(alreadySucceededLine(linked), 20_000);
      await python.waitFor(/succeeded in [0-9.e-]+s: 'done-done-py-linked'/, 20_000);
      // ...and not again when the stored SUCCESS lists the first run's callback among its children.
      const applied = randomUUID();
      await storeSuccessByFirstRun(applied, "py-kids", callbackTo("dedupe-first"));
      await waitFor(() => first.runs.get("done-py-kids") === 1, "the first run's callback");
      await stageRedelivered(applied, "py-kids", callbackTo("dedupe-py"));
      await deliverStaged("dedupe-py");
      await python.waitFor(alreadySucceededLine(applied), 20_000);
      await waitFor(() => settled("dedupe-py", applied), "Python's ack");
      assert.deepEqual(await raw.lrange("dedupe-py", 0, -1), [], "no callback queued");
      assert.ok(!python.log.includes("done-done-py-kids"), python.log);

      // (4) in Python (solo pool: task_ready and the tracer share successful_requests): a task it ran itself, redelivered,
      // is acked without a lookup's line and without running, as ours does.
      const own = randomUUID();
      const ran = await client.enqueue(TASK, ["py-own"], {}, { id: own, queue: "dedupe-py" });
      assert.equal(await ran.get({ timeoutMs: 15_000 }), "done-py-own");
      await waitFor(() => settled("dedupe-py", own), "Python's first ack");
      await stageRedelivered(own, "py-own");
      await deliverStaged("dedupe-py");
      await waitFor(() => python.log.split(`Task ${TASK}[${own}] received`).length === 3, "Python's second receipt");
      await waitFor(() => settled("dedupe-py", own), "Python's second ack");
      const ownLines = python.log.split("\n").filter((l) => l.includes(own));
      assert.deepEqual(
        ownLines.map((l) => l.replace(/^.*?\] Task [^ ]+ /, "").replace(/ in [0-9.e-]+s:/, " in <t>s:")),
        ["received", "succeeded in <t>s: 'done-py-own'", "received"],
        ownLines.join("\n"),
      );

      // And without a stored success Python runs it: the flag it read is what made the difference.
      const fresh = randomUUID();
      await stageRedelivered(fresh, "py-fresh");
      await deliverStaged("dedupe-py");
      await python.waitFor(succeededLine(fresh), 20_000);
    } finally {
      await dispose();
    }
  });
});

// RabbitMQ: the broker sets `redelivered` itself on a message it requeues because its consumer's channel closed
// without an ack. A message cannot be moved with that flag kept, so it is made redelivered on the queue the worker
// will consume, before that worker starts.
describe("worker_deduplicate_successful_tasks on RabbitMQ (results in Redis)", { timeout: 180_000 }, () => {
  const run = `${process.pid}-${Date.now()}`;
  const queues = { first: `dedupe-first-${run}`, ts: `dedupe-ts-${run}`, off: `dedupe-off-${run}`, py: `dedupe-py-${run}` };
  let results: PrivateRedisServer;
  let client: Client;
  const workers: TsWorker[] = [];
  let first: TsWorker;

  async function startTsWorker(queue: string, deduplicate: boolean): Promise<TsWorker> {
    const started = await startRecordingWorker(AMQP_URL, results.url(1), queue, deduplicate);
    workers.push(started);
    return started;
  }

  async function storeSuccessByFirstRun(id: string, key: string): Promise<void> {
    const result = await client.enqueue(TASK, [key], {}, { id, queue: queues.first });
    assert.equal(await result.get({ timeoutMs: 15_000 }), `done-${key}`);
  }

  /**
   * Takes every waiting message of `consumed` (`count` in all) without acking and closes the connection, twice: the
   * first time they arrive fresh, the second time RabbitMQ hands them out `redelivered`, which they stay.
   */
  async function makeRedelivered(consumed: readonly string[], count: number): Promise<void> {
    for (const expected of [false, true]) {
      const transport = await createTransport(AMQP_URL);
      try {
        const taken: Delivery[] = [];
        await transport.consume(consumed, (d) => taken.push(d), { prefetch: count });
        await waitFor(() => taken.length === count, `${count} deliveries`);
        assert.deepEqual(
          taken.map((d) => d.message.deliveryInfo?.redelivered),
          taken.map(() => expected),
        );
      } finally {
        await transport.close();
      }
    }
  }

  /** Stops the worker (an unacked message would go back to its queue), then: nothing left on `queue`. */
  async function assertDrained(stop: () => Promise<void>, queue: string): Promise<void> {
    await stop();
    const transport = await createTransport(AMQP_URL);
    try {
      assert.equal(await transport.purge(queue), 0, `${queue} is empty: every message was acked`);
    } finally {
      await transport.close();
    }
  }

  before(async () => {
    results = await PrivateRedisServer.start();
    client = await createClient({ broker: AMQP_URL, backend: results.url(1), defaultQueue: queues.first });
    first = await startTsWorker(queues.first, false);
  });

  after(async () => {
    for (const w of workers) await w.worker.stop().catch(() => undefined);
    const transport = await createTransport(AMQP_URL).catch(() => null);
    for (const q of Object.values(queues)) await transport?.deleteQueue(q).catch(() => undefined);
    await transport?.close();
    await client?.close();
    await results?.dispose();
  });

  it("(1)-(3): stored SUCCESS skipped with Celery's line and acked; no stored success runs; setting off runs again", async () => {
    const stored = randomUUID();
    const fresh = randomUUID();
    const off = randomUUID();
    await storeSuccessByFirstRun(stored, "a-stored");
    await storeSuccessByFirstRun(off, "a-off");
    await client.enqueue(TASK, ["a-stored"], {}, { id: stored, queue: queues.ts });
    await client.enqueue(TASK, ["a-fresh"], {}, { id: fresh, queue: queues.ts });
    await client.enqueue(TASK, ["a-off"], {}, { id: off, queue: queues.off });
    await makeRedelivered([queues.ts, queues.off], 3);

    const deduplicating = await startTsWorker(queues.ts, true);
    const notDeduplicating = await startTsWorker(queues.off, false);
    await waitFor(() => deduplicating.lines.some((l) => alreadySucceededLine(stored).test(l)), "the deduplication line");
    await waitFor(() => deduplicating.runs.get("a-fresh") === 1, "the redelivered task without a stored success");
    await waitFor(() => notDeduplicating.runs.get("a-off") === 1, "the run with the setting off");
    assert.equal(deduplicating.runs.get("a-stored"), undefined, "the stored success was not run again");
    assert.equal(first.runs.get("a-stored"), 1);
    assert.equal(first.runs.get("a-off"), 1);
    await waitFor(() => deduplicating.lines.some((l) => succeededLine(fresh).test(l)), "the fresh task's result");
    await assertDrained(() => deduplicating.worker.stop(), queues.ts);
    await assertDrained(() => notDeduplicating.worker.stop(), queues.off);
  });

  it("(5) Python Celery 5.7 on RabbitMQ skips the same redelivered message with the same line", async () => {
    const stored = randomUUID();
    await storeSuccessByFirstRun(stored, "a-py");
    await client.enqueue(TASK, ["a-py"], {}, { id: stored, queue: queues.py });
    await makeRedelivered([queues.py], 1);
    const { python, dispose } = await startPythonWorker(AMQP_URL, results.url(1), queues.py);
    try {
      await python.waitFor(alreadySucceededLine(stored), 30_000);
      assert.doesNotMatch(python.log, succeededLine(stored));
    } finally {
      await assertDrained(dispose, queues.py);
    }
  });
});
