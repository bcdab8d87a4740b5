// The TypeScript worker serving REAL Python Celery producers, on Redis (broker db 2, results db 3) and RabbitMQ:
// Python's `apply_async` sends, our worker runs the TS handlers (conformance/ts-tasks), and Python's own
// `AsyncResult.get()` reads what we stored. Plus malformed messages mixed in: logged with their reason, worker goes on.
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

    it("apply_async with args/kwargs/rich types, exceptions, unknown task, expired, countdown/eta, retry: Python's get() sees Celery's results", async () => {
      const eta = new Date(Date.now() + 2500);
      const results = await runCeleryClient(
        "call",
        command({
          calls: [
            { task: "conformance.add", args: kombu([2, 3]) },
            { task: "conformance.echo", args: kombu([1, "two", [3, 4]]), kwargs: kombu({ k: { nested: [true, null] } }) },
            {
              task: "wcore.types",
              args: kombu([
                { __type__: "datetime", __value__: "2025-01-31T12:00:00.123456+00:00" },
                { __type__: "decimal", __value__: "1.10" },
                { __type__: "bytes", __value__: "raw\u0000bytes" },
                { __type__: "date", __value__: "2025-02-01" },
                { __type__: "uuid", __value__: { hex: "6f0a1b560f7e4d4b9a433b1a6f0f8e21" } },
              ]),
              kwargs: kombu({ when: { __type__: "datetime", __value__: "2030-06-01T00:00:00+00:00" } }),
            },
            { task: "conformance.fail", args: kombu(["boom"]) },
            { task: "wcore.no_such_task", args: kombu([1]) },
            { task: "conformance.add", args: kombu([1, 1]), options: { expires: -5 } },
            { task: "wcore.now", options: { countdown: 1.5 } },
            { task: "wcore.now", options: { eta: eta.toISOString() } },
            { task: "conformance.retry_once" },
            { task: "conformance.soft_limited", args: kombu([5]), options: { soft_time_limit: 0.3 } },
            { task: "conformance.sleep", args: kombu([5]), options: { time_limit: 0.5 } },
          ],
        }),
      );
      const [add, echo, types, fail, unknown, expired, countdown, etaRun, retried, soft, hard] = results as [ClientResult, ...ClientResult[]];
      assert.deepEqual(pick(add), { ok: true, state: "SUCCESS", value: 5 });
      assert.deepEqual(pick(echo), { ok: true, state: "SUCCESS", value: { args: [1, "two", [3, 4]], kwargs: { k: { nested: [true, null] } } } });

      assert.ok(types?.ok, JSON.stringify(types));
      const typed = types.value as {
        types: string[];
        kwarg_types: Record<string, string>;
        values: { py_type: string; repr: string }[];
        kwargs: { when: { py_type: string; iso: string } };
      };
      assert.deepEqual(typed.types, ["Date", "PyDecimal", "Uint8Array", "PyDate", "PyUuid"]);
      assert.deepEqual(typed.kwarg_types, { when: "Date" });
      // Sent back unchanged, Python reads the same Python types again.
      assert.deepEqual(
        typed.values.map((v) => v.repr),
        [
          "datetime.datetime(2025, 1, 31, 12, 0, 0, 123000, tzinfo=datetime.timezone.utc)",
          "Decimal('1.10')",
          "b'raw\\x00bytes'",
          "datetime.date(2025, 2, 1)",
          "UUID('6f0a1b56-0f7e-4d4b-9a43-3b1a6f0f8e21')",
        ],
      );
      assert.equal(typed.kwargs.when.iso, "2030-06-01T00:00:00+00:00");

      assert.deepEqual(pick(fail), { ok: false, state: "FAILURE", exc_type: "ValueError", exc_module: "builtins", exc_str: "boom" });
      assert.deepEqual(pick(unknown), {
        ok: false,
        state: "FAILURE",
        exc_type: "NotRegistered",
        exc_module: "celery.exceptions",
        exc_str: "'wcore.no_such_task'",
      });
      assert.deepEqual(pick(expired), { ok: false, state: "REVOKED", exc_type: "TaskRevokedError", exc_module: "celery.exceptions", exc_str: "expired" });

      assert.ok(countdown?.ok && typeof countdown.value === "object", JSON.stringify(countdown));
      const ranAt = Number((countdown.value as { str: string }).str);
      assert.ok(ranAt >= (countdown.sent_at ?? 0) + 1.5 - 0.01, `countdown honoured: ran ${ranAt - (countdown.sent_at ?? 0)} s after sending`);
      assert.ok(etaRun?.ok, JSON.stringify(etaRun));
      assert.ok(Number((etaRun.value as { str: string }).str) * 1000 >= eta.getTime() - 10, "eta honoured");
      assert.deepEqual(pick(retried), { ok: true, state: "SUCCESS", value: "retried" });
      // time limits from the message's `timelimit` header (soft_time_limit / time_limit); billiard prints str(TimeLimitExceeded(0.5)) as "TimeLimitExceeded(0.5,)"
      assert.deepEqual(pick(soft), { ok: true, state: "SUCCESS", value: "soft" });
      assert.deepEqual(pick(hard), {
        ok: false,
        state: "FAILURE",
        exc_type: "TimeLimitExceeded",
        exc_module: "billiard.exceptions",
        exc_str: "TimeLimitExceeded(0.5,)",
      });

      const log = lines.join("");
      assert.match(log, new RegExp(`INFO/MainProcess\\] Task conformance.add\\[${add?.id}\\] succeeded in [0-9.e-]+s: 5\\n`));
      assert.match(log, new RegExp(`ERROR/MainProcess\\] Task conformance.fail\\[${fail?.id}\\] raised unexpected: ValueError\\('boom'\\)`));
      assert.match(log, new RegExp(`INFO/MainProcess\\] Task conformance.retry_once\\[${retried?.id}\\] retry: Retry in 1s: RuntimeError\\('retry once'\\)`));
      assert.match(log, new RegExp(`Discarding revoked task: conformance.add\\[${expired?.id}\\]`));
      assert.match(log, /ERROR\/MainProcess\] Received unregistered task of type 'wcore.no_such_task'/);
      assert.match(log, new RegExp(`WARNING/MainProcess\\] Soft time limit \\(0\\.3s\\) exceeded for conformance.soft_limited\\[${soft?.id}\\]`));
      assert.match(log, new RegExp(`ERROR/MainProcess\\] Hard time limit \\(0\\.5s\\) exceeded for conformance.sleep\\[${hard?.id}\\]`));
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
