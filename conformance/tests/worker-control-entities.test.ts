// Our pidbox and event entities are declared with exactly the flags and arguments real kombu/Celery use
// (Celery 5.7: exclusive control queues; 5.3: not exclusive), compared field for field with kombu's own objects.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MAILBOX_SETTINGS, nodeQueue, replyQueue } from "../../sdk/src/control/pidbox-entities.js";
import { resolveExchangeDeclaration, resolveQueueDeclaration } from "../../sdk/src/transport/amqp/declare-amqp-entities.js";
import type { ExchangeSpec, QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import { eventExchange } from "../../worker/src/events/event-exchange.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { runPython } from "./worker-control-python.js";

interface KombuExchange {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  delivery_mode: number | null;
}
interface KombuQueue {
  name: string;
  durable: boolean;
  exclusive: boolean;
  auto_delete: boolean;
  arguments: Record<string, unknown>;
  routing_key: string;
  exchange: KombuExchange;
}
interface Entities {
  celery: string;
  node: KombuQueue;
  reply: KombuQueue;
  event_exchange: { amqp: KombuExchange; redis: KombuExchange };
}

function ourExchange(spec: ExchangeSpec): KombuExchange {
  const d = resolveExchangeDeclaration(spec);
  return { name: d.name, type: d.type, durable: d.durable, auto_delete: d.autoDelete, delivery_mode: spec.deliveryMode ?? null };
}

function ourQueue(spec: QueueSpec): KombuQueue {
  const d = resolveQueueDeclaration(spec);
  // py-amqp writes a Python int that fits 32 bits as 'I' (signed 32-bit): amqplib's {"!": "int"}.
  const args = Object.fromEntries(
    Object.entries(d.arguments).map(([k, v]) => {
      const typed = v as { "!": string; value: unknown };
      assert.equal(typed["!"], "int", k);
      return [k, typed.value];
    }),
  );
  return {
    name: d.name,
    durable: d.durable,
    exclusive: d.exclusive,
    auto_delete: d.autoDelete,
    arguments: args,
    routing_key: d.routingKey,
    exchange: ourExchange(spec.exchange!),
  };
}

for (const [venv, exclusive] of [
  [".venv", true],
  [".venv-5.3", false],
] as const) {
  describe(`pidbox/event entities vs kombu (${venv})`, () => {
    it("node queue, reply queue and event exchange match", async () => {
      const env = { brokerUrl: redisDbUrl(6), resultBackend: redisDbUrl(6) };
      const result = await runPython(env, "conformance/python/reference/pidbox_entities.py", ["t-wctl@host", "oid-1"], venv);
      assert.equal(result.code, 0, result.stderr);
      const kombu = JSON.parse(result.stdout) as Entities;
      const settings = { ...DEFAULT_MAILBOX_SETTINGS, queueExclusive: exclusive };
      assert.deepEqual(ourQueue(nodeQueue("t-wctl@host", settings)), kombu.node);
      assert.deepEqual(ourQueue(replyQueue("oid-1", settings)), kombu.reply);
      assert.deepEqual(ourExchange(eventExchange("amqp")), kombu.event_exchange.amqp);
      assert.deepEqual(ourExchange(eventExchange("redis")), kombu.event_exchange.redis);
      if (venv === ".venv") assert.deepEqual(ourQueue(nodeQueue("t-wctl@host")), kombu.node, "our defaults are Celery 5.7's");
    });
  });
}
