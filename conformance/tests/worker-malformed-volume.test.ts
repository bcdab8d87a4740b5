// Bad input at volume, on both brokers: 1,000 malformed messages (six kinds) interleaved with 2,000 valid ones in one
// queue. The worker runs every valid task (2,000 SUCCESS results in Redis), logs each malformed message once with its
// reason, leaves nothing behind (queue empty, nothing unacked) and still serves a Python `get()` afterwards.
// How much the malformed ones slow the drain is measured by bench/run.sh (its "1 malformed per 20" drain row), not asserted here.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient } from "../harness/celery-client-script.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { rawRedisEnvelope, type RawMessage } from "../harness/raw-redis-envelope.js";

const BROKER_DB = 20;
const RESULT_DB = { redis: 21, amqp: 22 } as const;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
const VALID = 2000;
const MALFORMED = 1000;

/** One malformed message of each kind, and the log line Celery's rules give it. */
const KINDS: readonly { readonly name: string; readonly make: () => RawMessage; readonly logged: RegExp }[] = [
  {
    name: "body not JSON",
    make: () => ({ headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {", type: "application/json" }),
    logged: /CRITICAL\/MainProcess\] Can't decode message body: DecodeError/g,
  },
  {
    name: "no id header",
    make: () => ({ headers: { task: "conformance.add", lang: "py" }, body: "[[1, 2], {}, {}]", type: "application/json" }),
    logged: /ERROR\/MainProcess\] Received invalid task message: InvalidHeaders: task headers invalid: \/headers\/id required property 'id' is missing/g,
  },
  {
    name: "pickle",
    make: () => ({
      headers: { id: randomUUID(), task: "conformance.add", lang: "py" },
      body: "\u0080\u0004K\u0005.",
      type: "application/x-python-serialize",
      encoding: "binary",
    }),
    logged:
      /ERROR\/MainProcess\] Received invalid task message: ContentDisallowed: refusing to deserialize content of type application\/x-python-serialize \(pickle\)/g,
  },
  {
    name: "kwargs not a mapping",
    make: () => ({ headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[[1, 2], [], {}]", type: "application/json" }),
    logged: /ERROR\/MainProcess\] Received invalid task message: InvalidBody: task body invalid: \/body\/1 must be object/g,
  },
  {
    name: "content type outside the accept list",
    make: () => ({ headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "add: [1, 2]", type: "application/x-yaml" }),
    logged: /ERROR\/MainProcess\] Received invalid task message: ContentDisallowed: [^\n]*application\/x-yaml/g,
  },
  {
    // (A JSON object body with "args" is not malformed: Celery reads it as a hybrid protocol-1 body and runs it.)
    name: "args not a list",
    make: () => ({ headers: { id: randomUUID(), task: "conformance.add", lang: "py" }, body: "[5, {}, {}]", type: "application/json" }),
    logged: /ERROR\/MainProcess\] Received invalid task message: InvalidBody: task body invalid: \/body\/0 must be array/g,
  },
];

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`TS worker: ${MALFORMED} malformed among ${VALID} valid messages (${broker})`, { timeout: 180_000 }, () => {
    const queue = `t-wbad-${process.pid}-${broker}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(BROKER_DB) : AMQP_URL;
    const lines: string[] = [];
    const results = new Redis(redisDbUrl(RESULT_DB[broker]));
    let worker: Worker;
    let client: Client;

    before(async () => {
      await results.flushdb();
      client = await createClient({ broker: brokerUrl, backend: redisDbUrl(RESULT_DB[broker]), defaultQueue: queue });
      worker = createWorker({
        broker: brokerUrl,
        backend: redisDbUrl(RESULT_DB[broker]),
        queues: [queue],
        concurrency: 8,
        hostname: `t-wbad-${process.pid}-${broker}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
      });
      await loadTaskModule(TASKS, worker.registry);
    });

    after(async () => {
      await worker.stop();
      await client.close();
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      } else {
        const raw = new Redis(brokerUrl);
        await raw.flushdb();
        raw.disconnect();
      }
      results.disconnect();
    });

    it("runs every valid task, logs every malformed one with its reason, leaves nothing behind and keeps serving", async () => {
      const sent = new Map<string, number>(KINDS.map((k) => [k.name, 0]));
      const bad: { kind: string; message: RawMessage }[] = [];
      for (let i = 0; i < MALFORMED; i++) {
        const kind = KINDS[i % KINDS.length]!;
        bad.push({ kind: kind.name, message: kind.make() });
        sent.set(kind.name, sent.get(kind.name)! + 1);
      }
      // Enqueued before the worker starts, interleaved: two valid, one malformed, ...
      const redisRaw = broker === "redis" ? new RawRedisPublisher(brokerUrl) : null;
      const amqpRaw = broker === "amqp" ? await RawAmqpPublisher.connect(AMQP_URL) : null;
      await amqpRaw?.declareCeleryQueue(queue);
      let valid = 0;
      const validIds = new Set<string>();
      for (const { message } of bad) {
        for (let j = 0; j < 2; j++, valid++) validIds.add((await client.enqueue("conformance.add", [valid, valid])).id);
        if (redisRaw !== null) await redisRaw.lpush(queue, rawRedisEnvelope(queue, { ...message, encoding: message.encoding ?? "utf-8" }));
        else
          await amqpRaw!.publish({
            exchange: "",
            routingKey: queue,
            body: Buffer.from(message.body, "latin1"),
            properties: { content_type: message.type, content_encoding: message.encoding ?? "utf-8", delivery_mode: 2, headers: message.headers },
          });
      }
      await redisRaw?.close();
      await amqpRaw?.close();
      assert.equal(valid, VALID);

      await worker.start();
      await waitFor(
        async () => (await countResults(results)) >= VALID,
        150_000,
        async () => {
          const log = lines.join("");
          const kinds = KINDS.map((k) => `${k.name}: ${log.match(k.logged)?.length ?? 0}`).join(", ");
          return `${await countResults(results)} results, ${await queueDepth(broker, brokerUrl, queue)} queued/unacked; logged ${kinds}; last lines: ${lines.slice(-3).join("")}`;
        },
      );
      const stored = await readStates(results);
      const unexpected = [...stored.keys()].map((k) => k.slice("celery-task-meta-".length)).filter((id) => !validIds.has(id));
      const log0 = lines.join("");
      assert.deepEqual(
        unexpected.slice(0, 2).map(
          (id) =>
            `${id}: ${stored.get(`celery-task-meta-${id}`)} ${log0
              .split("\n")
              .filter((l) => l.includes(id))
              .join(" | ")}`,
        ),
        [],
        `${unexpected.length} unexpected results`,
      );
      const others = [...stored.values()].filter((s) => s !== "SUCCESS");
      assert.deepEqual(others.slice(0, 3), [], `${others.length} results other than SUCCESS`);
      assert.equal(stored.size, VALID, "one result per valid task");

      const log = lines.join("");
      for (const kind of KINDS) {
        assert.equal(log.match(kind.logged)?.length ?? 0, sent.get(kind.name), `every "${kind.name}" message is logged once with its reason`);
      }
      for (const { kind, message } of bad) {
        const id = message.headers["id"];
        if (typeof id === "string" && kind !== "body not JSON") assert.ok(!log.includes(`conformance.add[${id}] succeeded`), `${kind} ${id} must not run`);
      }

      // Nothing left behind: the queue is empty and (Redis) nothing stays unacked.
      await waitFor(async () => (await queueDepth(broker, brokerUrl, queue)) === 0, 10_000);
      // Still serving: a Python producer's task after the storm.
      const [afterwards] = await runCeleryClient("call", {
        broker: brokerUrl,
        backend: redisDbUrl(RESULT_DB[broker]),
        queue,
        timeout: 15,
        calls: [{ task: "conformance.add", args: "[20, 22]" }],
      });
      assert.ok(afterwards?.ok === true && afterwards.value === 42, `Python's get() after the storm: ${JSON.stringify(afterwards)}`);
    });
  });
}

async function countResults(redis: Redis): Promise<number> {
  let n = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "celery-task-meta-*", "COUNT", 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== "0");
  return n;
}

async function readStates(redis: Redis): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "celery-task-meta-*", "COUNT", 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const values = await redis.mget(...keys);
    keys.forEach((k, i) => {
      const meta = JSON.parse(values[i] ?? "{}") as { status?: string; result?: { exc_type?: string; exc_message?: unknown } };
      states.set(k, meta.status === "SUCCESS" ? "SUCCESS" : `${meta.status} ${meta.result?.exc_type}: ${JSON.stringify(meta.result?.exc_message)}`);
    });
  } while (cursor !== "0");
  return states;
}

async function queueDepth(broker: BrokerKind, url: string, queue: string): Promise<number> {
  if (broker === "amqp") {
    const raw = await RawAmqpPublisher.connect(url);
    try {
      return (await raw.channel.checkQueue(queue)).messageCount;
    } finally {
      await raw.close();
    }
  }
  const redis = new Redis(url);
  try {
    return (await redis.llen(queue)) + (await redis.hlen("unacked"));
  } finally {
    redis.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${describe === undefined ? "" : `: ${await describe()}`}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
