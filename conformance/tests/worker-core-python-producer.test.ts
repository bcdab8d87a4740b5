// The TypeScript worker serving REAL Python Celery producers, on Redis (broker db 2, results db 3) and RabbitMQ, for
// what does not fit `proto conformance run`'s cases: Celery's own control client inspecting and revoking on this
// worker (a held ETA task), malformed messages mixed in (logged with their reason, the worker goes on), and the
// process pool. What Python's `apply_async` sends and `AsyncResult.get()` reads (args/kwargs, rich types, exceptions,
// unknown task, expired, countdown/eta, retry, time limits) runs as celery-to-ts conformance cases
// (conformance/cases/celery-to-ts.yaml, edge-values.yaml) in conformance-runner.test.ts and conformance-matrix.test.ts.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand, type ClientResult } from "../harness/celery-client-script.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { runPython } from "./worker-control-python.js";
import { rawRedisEnvelope } from "../harness/raw-redis-envelope.js";

const BROKER_DB = 2;
const RESULT_DB = 3;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";

const kombu = (value: unknown): string => JSON.stringify(value);

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`TS worker ← Python Celery producer (${broker})`, { timeout: 60_000 }, () => {
    const queue = `t-wcore-${process.pid}-${broker}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(BROKER_DB) : AMQP_URL;
    const command = (extra: Partial<ClientCommand>): ClientCommand => ({ broker: brokerUrl, backend: redisDbUrl(RESULT_DB), queue, timeout: 15, ...extra });
    const lines: string[] = [];
    let worker: Worker;

    before(async () => {
      worker = createWorker({
        broker: brokerUrl,
        backend: redisDbUrl(RESULT_DB),
        queues: [queue],
        concurrency: 4,
        hostname: `t-wcore-${process.pid}-${broker}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
      });
      await loadTaskModule(TASKS, worker.registry);
      await worker.start();
    });

    after(async () => {
      await worker.stop();
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });

    it("Celery's own control client sees this worker (stats, active_queues, scheduled) and revoke of a held ETA task gives REVOKED", async () => {
      const [eta] = await runCeleryClient("send", command({ calls: [{ task: "wcore.now", options: { countdown: 2 } }] }));
      assert.ok(eta !== undefined);
      await waitUntil(() => worker.state.scheduled.has(eta.id));
      const calls = [
        { kind: "inspect", method: "stats" },
        { kind: "inspect", method: "active_queues" },
        { kind: "inspect", method: "scheduled" },
        { kind: "control", method: "revoke", args: { task_id: eta.id } },
      ];
      const env = { brokerUrl, resultBackend: redisDbUrl(RESULT_DB) };
      const run = await runPython(env, "conformance/python/reference/control_client.py", [worker.hostname, "5", JSON.stringify(calls)]);
      assert.equal(run.code, 0, run.stderr);
      const [stats, queues, scheduled, revoke] = JSON.parse(run.stdout) as [
        Record<string, Record<string, unknown>>,
        Record<string, { name: string }[]>,
        Record<string, { request: { id: string } }[]>,
        Record<string, unknown>[],
      ];
      const own = stats[worker.hostname]!;
      assert.deepEqual((own["pool"] as Record<string, unknown>)["max-concurrency"], 4);
      assert.equal(own["prefetch_count"], 4 * 4 + 1, "the held ETA task raised the prefetch by one");
      assert.equal((own["broker"] as Record<string, unknown>)["transport"], broker);
      assert.deepEqual(
        queues[worker.hostname]!.map((q) => q.name),
        [queue],
      );
      assert.deepEqual(
        scheduled[worker.hostname]!.map((s) => s.request.id),
        [eta.id],
      );
      assert.deepEqual(revoke, [{ [worker.hostname]: { ok: `tasks {'${eta.id}'} flagged as revoked` } }]);
      const [revoked] = await runCeleryClient("get", command({ ids: [eta.id] }));
      assert.deepEqual(pick(revoked), { ok: false, state: "REVOKED", exc_type: "TaskRevokedError", exc_module: "celery.exceptions", exc_str: "revoked" });
      // When its ETA comes, the held message is discarded (acked), not run.
      await waitUntil(() => lines.join("").includes(`Discarding revoked task: wcore.now[${eta.id}]`), 5000);
      assert.ok(!lines.join("").includes(`wcore.now[${eta.id}] succeeded`));
    });

    it("malformed messages mixed in (bad JSON, no id, pickle, kwargs not a mapping) are refused with their reason; the worker keeps going", async () => {
      const bad = {
        badJson: { headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {", type: "application/json" },
        noId: { headers: { task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {}]", type: "application/json" },
        pickle: { headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "\u0080\u0004K\u0005.", type: "application/x-python-serialize" },
        badKwargs: { headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[[1, 2], [], {}]", type: "application/json" },
      };
      if (broker === "redis") {
        const raw = new RawRedisPublisher(redisDbUrl(BROKER_DB));
        await raw.lpush(queue, "{this is not a kombu envelope");
        for (const m of Object.values(bad)) await raw.lpush(queue, rawRedisEnvelope(queue, m));
        await raw.close();
      } else {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        for (const m of Object.values(bad)) {
          await raw.publish({
            exchange: "",
            routingKey: queue,
            body: Buffer.from(m.body, "latin1"),
            properties: { content_type: m.type, content_encoding: "utf-8", delivery_mode: 2, headers: m.headers },
          });
        }
        await raw.close();
      }
      const [after] = await runCeleryClient("call", command({ calls: [{ task: "conformance.add", args: kombu([20, 22]) }] }));
      assert.deepEqual(pick(after), { ok: true, state: "SUCCESS", value: 42 });
      const log = lines.join("");
      assert.match(
        log,
        new RegExp(`CRITICAL/MainProcess\\] Can't decode message body: DecodeError: [^\\n]*\\[type:'application/json'[^\\n]*'id': '${bad.badJson.headers.id}'`),
      );
      assert.match(
        log,
        /ERROR\/MainProcess\] Received invalid task message: InvalidHeaders: task headers invalid: \/headers\/id required property 'id' is missing\n/,
      );
      assert.match(
        log,
        /ERROR\/MainProcess\] Received invalid task message: ContentDisallowed: refusing to deserialize content of type application\/x-python-serialize \(pickle\)/,
      );
      assert.match(log, /ERROR\/MainProcess\] Received invalid task message: InvalidBody: task body invalid: \/body\/1 must be object\n/);
      if (broker === "redis")
        assert.match(log, /WARNING\/MainProcess\] consumer: InvalidEnvelope: message from queue "[^"]+" dropped: Redis envelope is not valid JSON/);
    });
  });
}

describe("TS worker with the process pool ← Python Celery producer (redis)", { timeout: 60_000 }, () => {
  const queue = `t-wcore-${process.pid}-process`;
  const command = (extra: Partial<ClientCommand>): ClientCommand => ({
    broker: redisDbUrl(BROKER_DB),
    backend: redisDbUrl(RESULT_DB),
    queue,
    timeout: 15,
    ...extra,
  });
  let worker: Worker;

  before(async () => {
    worker = createWorker({
      broker: redisDbUrl(BROKER_DB),
      backend: redisDbUrl(RESULT_DB),
      queues: [queue],
      concurrency: 2,
      pool: "process",
      taskModule: TASKS,
      hostname: `t-wcore-${process.pid}-process@%h`,
      logger: createCeleryLogger({ level: "ERROR", write: () => undefined }),
      mingle: false,
      heartbeat: false,
    });
    await loadTaskModule(TASKS, worker.registry);
    await worker.start();
  });

  after(() => worker.stop());

  it("runs the handlers in child processes; a CPU-bound task past its hard time limit is killed: TimeLimitExceeded in Python", async () => {
    const [add, pid, spin, fail] = await runCeleryClient(
      "call",
      command({
        calls: [
          { task: "conformance.add", args: kombu([40, 2]) },
          { task: "wcore.pid" },
          { task: "wcore.spin", args: kombu([30]), options: { time_limit: 1 } },
          { task: "conformance.fail", args: kombu(["in a child"]) },
        ],
      }),
    );
    assert.deepEqual(pick(add), { ok: true, state: "SUCCESS", value: 42 });
    assert.ok(pid?.ok && typeof pid.value === "number" && pid.value !== process.pid, "ran in another process");
    assert.deepEqual(pick(spin), {
      ok: false,
      state: "FAILURE",
      exc_type: "TimeLimitExceeded",
      exc_module: "billiard.exceptions",
      exc_str: "TimeLimitExceeded(1,)",
    });
    assert.deepEqual(pick(fail), { ok: false, state: "FAILURE", exc_type: "ValueError", exc_module: "builtins", exc_str: "in a child" });
    assert.equal(worker.poolImplementation(), "process");
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pick(r: ClientResult | undefined): Record<string, unknown> {
  assert.ok(r !== undefined);
  return r.ok
    ? { ok: true, state: r.state, value: r.value }
    : { ok: false, state: r.state, exc_type: r.exc_type, exc_module: r.exc_module, exc_str: r.exc_str };
}

/** A kombu Redis envelope around arbitrary body bytes (as `LPUSH` puts it; the body base64 as kombu encodes it). */
