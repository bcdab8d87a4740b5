// Our event receiver (`proto events`, `receiveEvents`) declares exactly the queue real Celery's EventReceiver
// declares (Celery 5.7: exclusive; 5.3: not), on AMQP and on Redis, compared field for field with kombu's objects.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventReceiverQueue } from "../../sdk/src/events/event-receiver-queue.js";
import { resolveExchangeDeclaration, resolveQueueDeclaration } from "../../sdk/src/transport/amqp/declare-amqp-entities.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { runPython } from "./worker-control-python.js";

/** Our declaration in the form pidbox_entities.py / event_receiver_queue.py print kombu's. */
function asKombu(spec: QueueSpec): Record<string, unknown> {
  const d = resolveQueueDeclaration(spec);
  const x = resolveExchangeDeclaration(spec.exchange!);
  // py-amqp writes a Python int that fits 32 bits as 'I': amqplib's {"!": "int"}.
  const args = Object.fromEntries(Object.entries(d.arguments).map(([k, v]) => [k, (v as { value: unknown }).value]));
  return {
    name: d.name,
    durable: d.durable,
    exclusive: d.exclusive,
    auto_delete: d.autoDelete,
    arguments: args,
    routing_key: d.routingKey,
    exchange: { name: x.name, type: x.type, durable: x.durable, auto_delete: x.autoDelete, delivery_mode: spec.exchange!.deliveryMode ?? null },
  };
}

for (const [venv, exclusive] of [
  [".venv", true],
  [".venv-5.3", false],
] as const) {
  describe(`event receiver queue vs Celery's EventReceiver (${venv})`, () => {
    it("AMQP (topic exchange) and Redis (fanout exchange) declarations match", async () => {
      const result = await runPython(
        { brokerUrl: redisDbUrl(22), resultBackend: redisDbUrl(22) },
        "conformance/python/reference/event_receiver_queue.py",
        ["node-1"],
        venv,
      );
      assert.equal(result.code, 0, result.stderr);
      const kombu = JSON.parse(result.stdout) as { amqp: unknown; redis: unknown };
      assert.deepEqual(asKombu(eventReceiverQueue("amqp", "node-1", { queueExclusive: exclusive })), kombu.amqp);
      assert.deepEqual(asKombu(eventReceiverQueue("redis", "node-1", { queueExclusive: exclusive })), kombu.redis);
      if (exclusive) assert.deepEqual(asKombu(eventReceiverQueue("amqp", "node-1")), kombu.amqp, "our defaults are Celery 5.7's");
    });
  });
}
