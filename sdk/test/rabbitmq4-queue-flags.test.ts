// RabbitMQ 4.3 refuses transient (non-durable) queues that are not exclusive (deprecated feature
// `transient_nonexcl_queues`), and quorum queues are durable, neither exclusive nor auto-delete. Every queue factory
// of ours, at its defaults, declares a queue RabbitMQ 4.3 accepts (resolved as the AMQP transport declares it).
// The live audit over a running fleet is conformance/tests/rabbitmq4-queue-rules.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeQueue, replyQueue } from "../src/control/pidbox-entities.js";
import { eventReceiverQueue } from "../src/events/event-receiver-queue.js";
import { RpcResultBackend } from "../src/results/rpc-result-backend.js";
import { createQueueTable } from "../src/routing/create-queue-table.js";
import { CELERY_ROUTING_DEFAULTS } from "../src/routing/routing-settings.js";
import { resolveQueueDeclaration } from "../src/transport/amqp/declare-amqp-entities.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { QueueSpec } from "../src/transport/queue-spec.js";

/** Why RabbitMQ 4.3 would refuse the queue, or null. */
function rabbitmq4Refusal(spec: QueueSpec): string | null {
  const d = resolveQueueDeclaration(spec);
  if (d.arguments["x-queue-type"] !== undefined && JSON.stringify(d.arguments["x-queue-type"]).includes("quorum")) {
    if (!d.durable || d.exclusive || d.autoDelete) return `${d.name}: a quorum queue must be durable, not exclusive, not auto-delete`;
    return null;
  }
  return d.durable || d.exclusive ? null : `${d.name}: transient and not exclusive (transient_nonexcl_queues)`;
}

function factories(): Record<string, QueueSpec> {
  const quorum = createQueueTable({ ...CELERY_ROUTING_DEFAULTS, task_default_queue_type: "quorum" });
  return {
    "pidbox node queue": nodeQueue("w@h"),
    "pidbox reply queue": replyQueue("oid"),
    "event receiver queue (amqp)": eventReceiverQueue("amqp", "n"),
    "rpc backend reply queue": new RpcResultBackend(new MemoryTransport()).replyQueue,
    "default task queue": createQueueTable(CELERY_ROUTING_DEFAULTS).list()[0]!,
    "default task queue (quorum)": quorum.list()[0]!,
  };
}

describe("queue factories at their defaults follow RabbitMQ 4's queue rules", () => {
  for (const [what, spec] of Object.entries(factories()))
    it(`${what} is durable or exclusive (quorum: durable, neither exclusive nor auto-delete)`, () => {
      assert.equal(rabbitmq4Refusal(spec), null);
    });

  it("a quorum queue that is not durable, exclusive or auto-delete is refused before anything is sent (queueType or x-queue-type)", () => {
    for (const flags of [{ durable: false }, { exclusive: true }, { autoDelete: true }]) {
      assert.throws(() => resolveQueueDeclaration({ name: "q", queueType: "quorum", ...flags }), /quorum queue "q" must be durable/);
      assert.throws(() => resolveQueueDeclaration({ name: "q", arguments: { "x-queue-type": "quorum" }, ...flags }), /quorum queue "q" must be durable/);
    }
  });

  it("the check is not vacuous: a transient non-exclusive queue and an exclusive quorum queue are refused", () => {
    assert.match(
      rabbitmq4Refusal(
        nodeQueue("w@h", { controlExchange: "celery", queueTtlSeconds: null, queueExpiresSeconds: null, queueExclusive: false, queueDurable: false }),
      )!,
      /transient_nonexcl_queues/,
    );
    // An exclusive quorum queue does not even resolve (see the test above).
    assert.throws(() => rabbitmq4Refusal({ name: "q", exchange: null, exclusive: true, arguments: { "x-queue-type": "quorum" } }), /must be durable/);
  });

  it("the quorum default queue is a quorum queue", () => {
    const d = resolveQueueDeclaration(factories()["default task queue (quorum)"]!);
    assert.match(JSON.stringify(d.arguments["x-queue-type"]), /quorum/);
  });
});
