// RabbitMQ native delayed delivery (issue 12's groundwork): the topology, the routing keys and the bindings of consumed
// queues, as data, equal to what kombu 5.7 sends for the same calls (recorded on a channel that records instead of
// sending: conformance/python/reference/native_delayed_delivery_calls.py); on RabbitMQ, our topology is accepted, kombu's
// declaration passes over it, and a countdown message travels the levels to a bound queue in its time.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, describe, it } from "node:test";
import amqplib from "amqplib";
import { AMQP_URL } from "../harness/broker-urls.js";
import {
  calculateDelayedRoutingKey,
  type DelayedDeliveryDeclaration,
  delayedDeliveryBindings,
  nativeDelayedDeliveryTopology,
} from "../../sdk/src/transport/amqp/native-delayed-delivery.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

interface KombuCall {
  readonly kind: string;
  readonly [field: string]: unknown;
}

const REQUEST = {
  queue_types: ["quorum", "classic"],
  prefixes: [null, "", "app"],
  // 1 s, each single bit, the largest 28-bit delay, beyond 28 bits, and a key an earlier retry already prefixed.
  routing_keys: [
    [1, "celery"],
    ...Array.from({ length: 28 }, (_, i) => [2 ** i, "tasks.add"]),
    [2 ** 28 - 1, "a.b.c"],
    [2 ** 28 + 5, "big"],
    [90, `${"0.".repeat(27)}1.work`],
  ],
  bindings: [
    { queue: "q", exchange: "jobs", exchange_type: "topic", routing_key: "jobs.q" },
    { queue: "q", exchange: "jobs", exchange_type: "topic", routing_key: "#.q" },
    { queue: "f", exchange: "fan", exchange_type: "fanout", routing_key: "f", prefix: "app" },
    { queue: "d", exchange: "direct", exchange_type: "direct", routing_key: "d" },
  ],
};

function kombu(): { topologies: { queue_type: string; prefix: string | null; calls: KombuCall[] }[]; routing_keys: string[]; bindings: KombuCall[][] } {
  const r = spawnSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "conformance/python/reference/native_delayed_delivery_calls.py")], {
    input: JSON.stringify(REQUEST),
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Our declaration in the recording's shape (kombu declares every exchange and queue here durable, not auto-deleted). */
function asKombu(d: DelayedDeliveryDeclaration): KombuCall {
  switch (d.kind) {
    case "exchange":
      return { kind: "exchange", name: d.name, type: d.type, durable: true, auto_delete: false };
    case "queue":
      return { kind: "queue", name: d.name, durable: true, arguments: d.arguments };
    case "queue-binding":
      return { kind: "queue-binding", queue: d.queue, exchange: d.exchange, routing_key: d.routingKey };
    case "exchange-binding":
      return { kind: "exchange-binding", destination: d.destination, source: d.source, routing_key: d.routingKey };
  }
}

describe("native delayed delivery, as kombu 5.7 builds it", () => {
  const recorded = kombu();

  it("the 28-level topology: exchanges, TTL queues with their dead-letter arguments, bindings, in kombu's order", () => {
    assert.equal(recorded.topologies.length, 6);
    for (const t of recorded.topologies) {
      const ours = nativeDelayedDeliveryTopology(t.queue_type as "quorum" | "classic", t.prefix).map(asKombu);
      assert.deepEqual(ours, t.calls, `${t.queue_type}, prefix ${JSON.stringify(t.prefix)}`);
    }
  });

  it("calculate_routing_key: the delay in 28 (or more) binary digits, an earlier delay prefix removed", () => {
    const ours = REQUEST.routing_keys.map(([countdown, key]) => calculateDelayedRoutingKey(countdown as number, key as string));
    assert.deepEqual(ours, recorded.routing_keys);
  });

  it("a consumed queue's binding to the delivery exchange (#.<key>); a direct exchange is skipped", () => {
    const ours = REQUEST.bindings.map((b) =>
      (delayedDeliveryBindings({ queue: b.queue, exchange: b.exchange, exchangeType: b.exchange_type, routingKey: b.routing_key }, b.prefix) ?? []).map(
        asKombu,
      ),
    );
    assert.deepEqual(ours, recorded.bindings);
  });

  it("refuses what kombu refuses", () => {
    assert.throws(() => calculateDelayedRoutingKey(0, "k"), /countdown: must be a positive/);
    assert.throws(() => calculateDelayedRoutingKey(5, ""), /routingKey: must be non-empty/);
    assert.throws(() => nativeDelayedDeliveryTopology("stream" as "quorum"), /broker_native_delayed_delivery_queue_type: must be classic or quorum/);
  });
});

describe("native delayed delivery on RabbitMQ", () => {
  const prefix = `t-ndd-${process.pid}`;
  const exchange = `${prefix}-jobs`;
  const queue = `${prefix}-q`;
  const topology = nativeDelayedDeliveryTopology("quorum", prefix);

  after(async () => {
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const d of topology) {
      if (d.kind === "queue") await channel.deleteQueue(d.name);
      if (d.kind === "exchange") await channel.deleteExchange(d.name);
    }
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await connection.close();
  });

  it("our topology is declared, kombu's declaration is equivalent, and a 2 s countdown arrives after 2 s through the 28 levels", async () => {
    const connection = await amqplib.connect(AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      for (const d of topology) {
        if (d.kind === "exchange") await channel.assertExchange(d.name, d.type, { durable: true, autoDelete: false });
        if (d.kind === "queue") await channel.assertQueue(d.name, { durable: true, arguments: d.arguments });
        if (d.kind === "queue-binding") await channel.bindQueue(d.queue, d.exchange, d.routingKey);
        if (d.kind === "exchange-binding") await channel.bindExchange(d.destination, d.source, d.routingKey);
      }
      // RabbitMQ refuses a declaration with other arguments (PRECONDITION_FAILED): kombu's must pass over ours.
      const r = spawnSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "conformance/python/reference/native_delayed_delivery_calls.py")], {
        input: JSON.stringify({ queue_types: [], prefixes: [], routing_keys: [], bindings: [], url: AMQP_URL, declare_prefix: prefix }),
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).declared, true);

      await channel.assertExchange(exchange, "topic", { durable: true });
      await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } });
      await channel.bindQueue(queue, exchange, "jobs.q");
      for (const d of delayedDeliveryBindings({ queue, exchange, exchangeType: "topic", routingKey: "jobs.q" }, prefix) ?? []) {
        if (d.kind === "queue-binding") await channel.bindQueue(d.queue, d.exchange, d.routingKey);
        if (d.kind === "exchange-binding") await channel.bindExchange(d.destination, d.source, d.routingKey);
      }
      const sent = Date.now();
      channel.publish(`${prefix}_celery_delayed_27`, calculateDelayedRoutingKey(2, "jobs.q"), Buffer.from("delayed"), { persistent: true });
      await channel.waitForConfirms();
      let message: amqplib.GetMessage | false = false;
      while (message === false && Date.now() - sent < 15_000) {
        message = await channel.get(queue, { noAck: true });
        if (message === false) await new Promise((r) => setTimeout(r, 100));
      }
      const waited = Date.now() - sent;
      assert.ok(message !== false, "the delayed message arrived");
      assert.equal(message.content.toString(), "delayed");
      assert.ok(waited >= 1_900, `it waited its 2 s (${waited} ms)`);
      await channel.close();
    } finally {
      await connection.close();
    }
  });
});
