// RabbitMQ native delayed delivery (issue 12's groundwork): the topology, the routing keys and the bindings of consumed
// queues, as data, equal to what kombu 5.7 sends for the same calls (recorded on a channel that records instead of
// sending: conformance/python/reference/native_delayed_delivery_calls.py).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
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
