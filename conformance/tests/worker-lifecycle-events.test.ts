// The worker's lifecycle events (Worker.on, Celery's signals) with a REAL Python Celery producer: `apply_async` sends
// tasks that succeed, fail, retry once and expire, a malformed message is queued beside them, and the listeners see
// exactly the expected sequence per task, with both pools (Redis db 1, shared with no broker or backend of another
// suite: broker-modules-loaded only names it) and on RabbitMQ.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createWorker } from "../../worker/src/create-worker.js";
import type { WorkerEventMap, WorkerEventName } from "../../worker/src/lifecycle/worker-event-map.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand } from "../harness/celery-client-script.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { rawRedisEnvelope } from "../harness/raw-redis-envelope.js";

const DB = 1;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
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

const SETUPS: ReadonlyArray<{ readonly broker: BrokerKind; readonly pool: "async" | "process" }> = [
  { broker: "redis", pool: "async" },
  { broker: "redis", pool: "process" },
  { broker: "amqp", pool: "async" },
];

for (const { broker, pool } of SETUPS) {
  describe(`worker lifecycle events ← Python Celery producer (${broker}, ${pool} pool)`, { timeout: 90_000 }, () => {
    const queue = `t-lifecycle-${process.pid}-${broker}-${pool}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    const command = (extra: Partial<ClientCommand>): ClientCommand => ({ broker: brokerUrl, backend: redisDbUrl(DB), queue, timeout: 20, ...extra });
    const seen: Seen[] = [];
    const lines: string[] = [];
    let worker: Worker;

    before(async () => {
      worker = createWorker({
        broker: brokerUrl,
        backend: redisDbUrl(DB),
        queues: [queue],
        concurrency: 2,
        pool,
        taskModule: TASKS,
        hostname: `t-lifecycle-${process.pid}-${broker}-${pool}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
        control: false,
      });
      await loadTaskModule(TASKS, worker.registry);
      for (const name of NAMES) worker.on(name, (event: WorkerEventMap[typeof name]) => void seen.push({ name, event } as Seen));
      await worker.start();
    });

    after(async () => {
      await worker.stop();
      assert.deepEqual(seen.at(-1), { name: "worker:shutdown", event: { hostname: worker.hostname, cold: false } });
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });

    it("success, failure, retry then success, expired, malformed: exactly Celery's signal sequence per task", async () => {
      const badId = randomUUID();
      const bad = { headers: { id: badId, task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {", type: "application/json" };
      if (broker === "redis") {
        const raw = new RawRedisPublisher(redisDbUrl(DB));
        await raw.lpush(queue, rawRedisEnvelope(queue, bad));
        await raw.close();
      } else {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.publish({
          exchange: "",
          routingKey: queue,
          body: Buffer.from(bad.body, "latin1"),
          properties: { content_type: bad.type, content_encoding: "utf-8", delivery_mode: 2, headers: bad.headers },
        });
        await raw.close();
      }
      const results = await runCeleryClient(
        "call",
        command({
          calls: [
            { task: "conformance.add", args: "[2, 3]" },
            { task: "conformance.fail", args: '["boom"]' },
            { task: "conformance.retry_once" },
            { task: "conformance.add", args: "[1, 1]", options: { expires: -5 } },
          ],
        }),
      );
      const [add, fail, retry, expired] = results.map((r) => r.id) as [string, string, string, string];
      assert.deepEqual(
        results.map((r) => r.state),
        ["SUCCESS", "FAILURE", "SUCCESS", "REVOKED"],
      );
      const taskIdOf = (s: Seen): string | null =>
        s.name.startsWith("task:") || s.name === "message:refused" ? (s.event as { taskId: string | null }).taskId : null;
      // Per execution: a retry's next message may be received before the first execution's task:retried is emitted
      // (the retry is published first, as Celery's Task.retry does before raising Retry).
      const executionOf = (s: Seen): string | null =>
        s.name.startsWith("task:") ? `${taskIdOf(s)}#${(s.event as { request: { retries: number } }).request.retries}` : taskIdOf(s);
      const namesFor = (key: string): string[] => seen.filter((s) => executionOf(s) === key).map((s) => s.name);
      const expected: Record<string, string[]> = {
        [`${add}#0`]: ["task:received", "task:started", "task:succeeded"],
        [`${fail}#0`]: ["task:received", "task:started", "task:failed"],
        [`${retry}#0`]: ["task:received", "task:started", "task:retried"],
        [`${retry}#1`]: ["task:received", "task:started", "task:succeeded"],
        [`${expired}#0`]: ["task:revoked"],
        [badId]: ["message:refused"],
      };
      const keys = Object.keys(expected);
      const deadline = Date.now() + 10_000;
      while (keys.some((k) => namesFor(k).length < (expected[k]?.length ?? 0)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const key of keys) assert.deepEqual(namesFor(key), expected[key], `events of ${key}`);
      assert.equal(seen[0]?.name, "worker:ready");
      assert.deepEqual(seen[0]?.event, { hostname: worker.hostname, queues: [queue], pool, concurrency: 2 });
      assert.deepEqual(
        seen.filter((s) => taskIdOf(s) !== null && !keys.includes(executionOf(s) ?? "")),
        [],
        "no event for anything else",
      );

      const one = <E extends WorkerEventName>(id: string, name: E, nth = 0): WorkerEventMap[E] => {
        const found = seen.filter((s) => s.name === name && taskIdOf(s) === id)[nth];
        assert.ok(found, `${name} #${nth} of ${id}`);
        return found.event as WorkerEventMap[E];
      };
      const received = one(add, "task:received");
      assert.deepEqual([received.taskName, received.args, received.kwargs, received.request.message.headers.lang], ["conformance.add", [2, 3], {}, "py"]);
      assert.equal(one(add, "task:started").pool, pool);
      assert.equal(one(add, "task:started").pid === process.pid, pool === "async", "the pid of the process that runs the handler");
      assert.equal(one(add, "task:succeeded").result, 5);
      const failed = one(fail, "task:failed");
      assert.equal((failed.exception as Error).name, "ValueError");
      assert.match(failed.traceback, /ValueError: boom\n$/);
      const retried = one(retry, "task:retried");
      assert.equal(retried.reason, "Retry in 1s: RuntimeError('retry once')");
      assert.equal((retried.exception as Error).name, "RuntimeError");
      assert.equal(one(retry, "task:received", 1).request.retries, 1);
      assert.equal(one(retry, "task:succeeded").result, "retried");
      const revoked = one(expired, "task:revoked");
      assert.deepEqual([revoked.expired, revoked.terminated, revoked.signum], [true, false, null]);
      const refused = one(badId, "message:refused");
      assert.deepEqual(
        [refused.kind, refused.code, refused.acked, refused.queue, refused.taskName],
        ["decode-error", "DecodeError", true, queue, "conformance.add"],
      );
      assert.match(lines.join(""), new RegExp(`Can't decode message body: DecodeError: [^\\n]*'id': '${badId}'`));
      assert.doesNotMatch(lines.join(""), /Listener for worker event/);
    });
  });
}
