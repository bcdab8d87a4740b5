// Queues with several kombu bindings (and binding arguments, x-max-priority, the dict form's exchange flags), as the
// queue table builds them from task_queues, declared exactly as kombu declares the same Celery app's queues:
// - AMQP: the exchange.declare / queue.declare / queue.bind calls of declareAmqpQueue equal the ones kombu's
//   `Queue.declare()` makes (recorded in Python by conformance/python/reference/queue_declare_calls.py), RabbitMQ
//   accepts kombu's declaration after ours, and a message published through each binding reaches the queue;
// - Redis: the `_kombu.binding.<exchange>` members we write equal the ones kombu writes (Redis db 2).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import amqplib, { type Channel } from "amqplib";
import { Redis } from "ioredis";
import type { QueueSetting } from "../../sdk/src/config/celery-settings.js";
import { createQueueTable } from "../../sdk/src/routing/create-queue-table.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../../sdk/src/routing/routing-settings.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import { declareAmqpQueue, resolveQueueDeclaration } from "../../sdk/src/transport/amqp/declare-amqp-entities.js";
import type { AmqplibFieldTable } from "../../sdk/src/transport/amqp/encode-field-table.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import { AMQP_URL, redisDbUrl } from "../harness/broker-urls.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(ROOT, "conformance/python/reference/queue_declare_calls.py");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const REDIS_URL = redisDbUrl(2);
const skip = existsSync(PYTHON) ? false : ".venv missing: run bash scripts/setup/python.sh";

const tag = `t-route-${process.pid}`;
const n = (s: string) => `${tag}-${s}`;

/** The configurations under test: list and dict forms, bindings over direct, topic and fanout exchanges. */
function config(): Partial<RoutingSettings> {
  const queues: QueueSetting[] = [
    {
      name: n("multi"),
      bindings: [
        { exchange: n("direct"), routing_key: "a" },
        { exchange: { name: n("topic"), type: "topic" }, routing_key: "img.*.png" },
        { exchange: { name: n("fan"), type: "fanout", durable: false }, routing_key: "" },
      ],
      queue_arguments: { "x-max-priority": 9 },
    },
    { name: n("plain"), exchange: { name: n("topic"), type: "topic" }, routing_key: "plain.#", binding_arguments: { "x-note": "b" }, max_priority: 4 },
  ];
  return { task_default_queue: n("plain"), task_default_exchange: n("default"), task_queues: queues };
}

interface Call {
  readonly method: string;
  readonly [field: string]: unknown;
}

function kombuCalls(url: string | null, names: readonly string[]): { name: string; calls: Call[]; error?: string }[] {
  const input = JSON.stringify({ config: config(), queues: names, url });
  return JSON.parse(execFileSync(PYTHON, [SCRIPT], { cwd: ROOT, input, encoding: "utf8" })) as { name: string; calls: Call[]; error?: string }[];
}

/** A field table as plain JSON values (our typed `{"!": "int", value}` wrappers unwrapped). */
function plainTable(table: AmqplibFieldTable): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table).map(([k, v]) => [k, v !== null && typeof v === "object" && "!" in v ? Number((v as { value: unknown }).value) : v]),
  );
}

/** declareAmqpQueue against a channel that records instead of sending. */
async function ourCalls(name: string): Promise<Call[]> {
  const settings = { ...CELERY_ROUTING_DEFAULTS, ...config() };
  const spec = createQueueTable(settings).get(name);
  const calls: Call[] = [];
  const channel = {
    assertExchange: async (exchange: string, type: string, o: { durable: boolean; autoDelete: boolean; arguments: AmqplibFieldTable }) => {
      calls.push({ method: "exchange.declare", exchange, type, durable: o.durable, auto_delete: o.autoDelete, arguments: plainTable(o.arguments) });
    },
    assertQueue: async (queue: string, o: { durable: boolean; exclusive: boolean; autoDelete: boolean; arguments: AmqplibFieldTable }) => {
      calls.push({ method: "queue.declare", queue, durable: o.durable, exclusive: o.exclusive, auto_delete: o.autoDelete, arguments: plainTable(o.arguments) });
    },
    bindQueue: async (queue: string, exchange: string, routingKey: string, args: AmqplibFieldTable) => {
      calls.push({ method: "queue.bind", queue, exchange, routing_key: routingKey, arguments: plainTable(args) });
    },
  } as unknown as Channel;
  await declareAmqpQueue(channel, resolveQueueDeclaration(spec));
  return calls;
}

/** kombu keeps bindings in a set: compare the calls as a multiset, but in the order exchange/queue/bind per binding. */
function canonical(calls: readonly Call[]): string[] {
  return calls.map((c) => JSON.stringify(c, Object.keys(c).sort())).sort();
}

const exchanges = [n("direct"), n("topic"), n("fan"), n("default")];
const queues = [n("multi"), n("plain")];

describe("queues with bindings are declared as kombu declares them", { skip }, () => {
  after(async () => {
    const conn = await amqplib.connect(AMQP_URL).catch(() => null);
    if (conn !== null) {
      const ch = await conn.createChannel();
      for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
      for (const e of exchanges) await ch.deleteExchange(e).catch(() => undefined);
      await conn.close().catch(() => undefined);
    }
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`*${tag}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("AMQP: the same exchange.declare, queue.declare and queue.bind calls (arguments included)", async () => {
    const kombu = kombuCalls(null, queues);
    for (const q of kombu) {
      const ours = await ourCalls(q.name);
      assert.deepEqual(canonical(ours), canonical(q.calls), q.name);
      // Order within ours: the queue before any of its bindings, each exchange before the binding to it.
      const queueAt = ours.findIndex((c) => c.method === "queue.declare");
      ours.forEach((c, i) => {
        if (c.method !== "queue.bind") return;
        assert.ok(i > queueAt, "queue.bind after queue.declare");
        assert.ok(
          ours.slice(0, i).some((d) => d.method === "exchange.declare" && d.exchange === c["exchange"]),
          `exchange ${String(c["exchange"])} declared before the bind`,
        );
      });
    }
    assert.equal(kombu[0]!.calls.filter((c) => c.method === "queue.bind").length, 3, "three bindings, no main binding");
  });

  it("AMQP: RabbitMQ accepts kombu's declaration after ours, and each binding routes to the queue", async () => {
    const settings = { ...CELERY_ROUTING_DEFAULTS, ...config() };
    const table = createQueueTable(settings);
    const transport = await createAmqpTransport({ url: AMQP_URL });
    try {
      for (const q of queues) await transport.declareQueue(table.get(q));
      const kombu = kombuCalls(AMQP_URL, queues);
      for (const q of kombu) assert.equal(q.error, undefined, `kombu after us: ${q.name}: ${q.error}`);
      const sends: [string, string][] = [
        [n("direct"), "a"],
        [n("topic"), "img.x.png"],
        [n("fan"), "anything"],
      ];
      for (const [exchange, routingKey] of sends) {
        await transport.publish({
          exchange,
          routingKey,
          body: new Uint8Array([1]),
          properties: { content_type: "application/octet-stream", delivery_mode: 2 },
        });
      }
    } finally {
      await transport.close();
    }
    const conn = await amqplib.connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      const deadline = Date.now() + 5000;
      let count = 0;
      while (Date.now() < deadline) {
        count = (await ch.checkQueue(n("multi"))).messageCount;
        if (count >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(count, 3, "one message through each of the three bindings");
    } finally {
      await conn.close();
    }
  });

  it("Redis: the same binding-table members as kombu, one per binding (db 2)", async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const read = async () => {
        const out: Record<string, string[]> = {};
        for (const e of exchanges) {
          const members = (await redis.smembers(`_kombu.binding.${e}`)).sort();
          if (members.length > 0) out[e] = members;
        }
        return out;
      };
      const clear = async () => {
        const keys = await redis.keys(`*${tag}*`);
        if (keys.length > 0) await redis.del(...keys);
      };
      await clear();
      const kombu = kombuCalls(REDIS_URL, queues);
      for (const q of kombu) assert.equal(q.error, undefined, `${q.name}: ${q.error}`);
      const theirs = await read();
      await clear();
      const transport = await createRedisTransport(REDIS_URL);
      try {
        const table = createQueueTable({ ...CELERY_ROUTING_DEFAULTS, ...config() });
        for (const q of queues) await transport.declareQueue(table.get(q));
      } finally {
        await transport.close();
      }
      const ours = await read();
      assert.deepEqual(ours, theirs);
      assert.equal(Object.keys(theirs).length, 3, "bindings on the direct, topic and fanout exchanges");
    } finally {
      redis.disconnect();
    }
  });
});
