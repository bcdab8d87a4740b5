// The typed-tasks example (examples/typed) end to end on Redis (broker db 20) and RabbitMQ, results in Redis db 21: the service enqueues
// Python tasks (real Celery worker) and TypeScript tasks (generated stubs) through the generated client and reads
// typed results; Python calls the TypeScript tasks by name, and a wrongly typed argument from Python comes back as
// FAILURE naming the argument while the worker keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { applyAsync, bindTasks, chain, chord, createClient, CeleryProtoError, type Client } from "../../sdk/src/index.js";
import type { Worker } from "../../worker/src/worker.js";
import { runService } from "../../examples/typed/service.js";
import { tasks } from "../../examples/typed/gen/catalog_tasks.js";
import { tasks as protoTasks } from "../../examples/typed/proto/gen/typed/v1/catalog_tasks.js";
import { AMQP_URL, BROKERS, redisDbUrl } from "../harness/broker-urls.js";
import type { PythonWorker } from "../harness/python-worker.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { runTypedPythonScript, startTypedPythonWorker, startTypedTsWorker, type TypedExampleEnv } from "../harness/typed-example.js";

/** The TS worker implementing the tasks through the protobuf catalog's stubs consumes this queue. */
const PROTO_TS_QUEUE = "typed-ts-proto";
const QUEUES = ["typed-py", "typed-ts", PROTO_TS_QUEUE];

for (const broker of BROKERS)
  describe(`typed-tasks example: generated client ↔ real Python Celery and the TS worker (${broker})`, { timeout: 120_000 }, () => {
    const ENV: TypedExampleEnv = { brokerUrl: broker === "redis" ? redisDbUrl(20) : AMQP_URL, resultBackend: redisDbUrl(21), pyQueue: "typed-py" };
    let python: PythonWorker;
    let ts: { worker: Worker; log: string[] };
    let tsProto: { worker: Worker; log: string[] };
    let client: Client;

    /** Leftovers of an interrupted run must not answer this one. */
    async function clearQueues(): Promise<void> {
      if (broker === "redis") {
        const admin = new RawRedisPublisher(ENV.brokerUrl);
        await admin.redis.flushdb();
        await admin.close();
        return;
      }
      const admin = await RawAmqpPublisher.connect(AMQP_URL);
      for (const queue of QUEUES) await admin.channel.deleteQueue(queue).catch(() => undefined);
      await admin.close();
    }

    before(async () => {
      await clearQueues();
      const started = await Promise.allSettled([
        startTypedPythonWorker(ENV),
        startTypedTsWorker(ENV.brokerUrl, ENV.resultBackend, ["typed-ts"]),
        startTypedTsWorker(ENV.brokerUrl, ENV.resultBackend, [PROTO_TS_QUEUE], "examples/typed/ts-worker/proto-tasks.ts"),
      ] as const);
      // Keep whatever started, so after() stops it even when another failed (a running worker keeps the file alive).
      if (started[0].status === "fulfilled") python = started[0].value;
      if (started[1].status === "fulfilled") ts = started[1].value;
      if (started[2].status === "fulfilled") tsProto = started[2].value;
      const failed = started.find((s) => s.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      client = await createClient({ broker: ENV.brokerUrl, backend: ENV.resultBackend, defaultQueue: ENV.pyQueue });
    });

    after(async () => {
      await client?.close();
      await Promise.all([python?.stop(), ts?.worker.stop(), tsProto?.worker.stop()]);
      await clearQueues();
    });

    it("the service's typed calls run on Python (add, mul, describe_point) and TypeScript (shout, stats)", async () => {
      const report = await runService(client, 30_000);
      assert.deepEqual(report, {
        sum: 5,
        product: 20,
        described: "P (1.5, -2)",
        shouted: "TYPED TYPED",
        stats: { count: 2, sum: 25, mean: 12.5 },
      });
    });

    it("a typed chain across Python and TypeScript steps runs and ends with the last step's result", async () => {
      const t = bindTasks(client, tasks);
      // typed.add(1, 2) → 3 → typed.mul(3, 4) → 12 on Python, then typed.shout("twelve") ignores it (si) on TS.
      const workflow = chain(t.add.s(1, 2), t.mul.s(4));
      const result = await applyAsync(workflow, client);
      assert.equal(await result.get({ timeoutMs: 30_000 }), 12);
      const mixed = chain(t.add.s(1, 2), t.mul.s(4), t.shout.si("twelve", 2));
      assert.equal(await (await applyAsync(mixed, client)).get({ timeoutMs: 30_000 }), "TWELVE TWELVE");
    });

    it("a typed chord: Python header tasks, TypeScript body receiving their results", async () => {
      const t = bindTasks(client, tasks);
      const workflow = chord([t.add.s(1, 2), t.mul.s(3, 4)], t.stats.s());
      assert.deepEqual(await (await applyAsync(workflow, client)).get({ timeoutMs: 30_000 }), { count: 2, sum: 15, mean: 7.5 });
    });

    it("an invalid argument is refused before publishing, with the typed error", async () => {
      const t = bindTasks(client, tasks);
      await assert.rejects(
        t.add.delay(1, "2" as never),
        (e: unknown) => CeleryProtoError.is(e, "InvalidArguments") && e.message === 'typed.add: argument "y" must be integer (rule: type)',
      );
    });

    it("Python calls the TS tasks; a wrongly typed argument is a FAILURE naming it, and the worker keeps serving", async () => {
      const lines = (await runTypedPythonScript(ENV, "call_ts_tasks.py"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(lines[0], { task: "typed.shout", state: "SUCCESS", result: "HELLO HELLO" });
      assert.deepEqual(lines[1], { task: "typed.stats", state: "SUCCESS", result: { count: 4, sum: 10, mean: 2.5 } });
      assert.equal(lines[2]?.["state"], "FAILURE");
      assert.equal(lines[2]?.["exc_type"], "CeleryProtoError");
      assert.equal(lines[2]?.["error"], 'typed.shout: argument "text" must be string (rule: type)');
      assert.deepEqual(lines[3], { task: "typed.shout", state: "SUCCESS", result: "BY KEYWORD BY KEYWORD" });
      const again = await (await bindTasks(client, tasks).shout.delay("still here")).get({ timeoutMs: 30_000 });
      assert.equal(again, "STILL HERE");
    });

    it("protobuf front end: the client generated from catalog.proto calls Python and the TS stubs generated from it", async () => {
      const t = bindTasks(client, protoTasks);
      const sum: number = await (await t.add.delay(20, 22)).get({ timeoutMs: 30_000 });
      const described: string = await (await t.describePoint.enqueue([{ x: 0, y: 1 }], { kwargs: { label: "O" } })).get({ timeoutMs: 30_000 });
      const stats = await (await t.stats.enqueue([[1, 2]], { queue: PROTO_TS_QUEUE })).get({ timeoutMs: 30_000 });
      const count: number = stats.count;
      assert.deepEqual({ sum, described, count, stats }, { sum: 42, described: "O (0, 1)", count: 2, stats: { count: 2, sum: 3, mean: 1.5 } });
      await assert.rejects(t.add.delay(1, 2.5), (e: unknown) => CeleryProtoError.is(e, "InvalidArguments") && /argument "y" must be integer/.test(e.message));
      const lines = (await runTypedPythonScript(ENV, "call_ts_tasks.py", [], { TYPED_TS_QUEUE: PROTO_TS_QUEUE }))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(lines[0], { task: "typed.shout", state: "SUCCESS", result: "HELLO HELLO" });
      assert.equal(lines[2]?.["error"], 'typed.shout: argument "text" must be string (rule: type)');
      assert.ok(
        tsProto.log.some((line) => line.includes("typed.stats")),
        "the proto-stub worker ran the tasks",
      );
    });
  });
