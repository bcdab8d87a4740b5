import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { createQueueTable } from "../src/routing/create-queue-table.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../src/routing/routing-settings.js";
import { toRoutingSettings } from "../src/routing/to-routing-settings.js";

const settings = (over: Partial<RoutingSettings>): RoutingSettings => ({ ...CELERY_ROUTING_DEFAULTS, ...over });

describe("createQueueTable (Celery's AMQP.Queues + Queues)", () => {
  it("holds the default queue on the default exchange when task_queues is empty", () => {
    const table = createQueueTable(settings({}));
    assert.deepEqual(table.list(), [
      { name: "celery", exchange: { name: "celery", type: "direct" }, routingKey: "celery", durable: true, exclusive: false, autoDelete: false },
    ]);
    assert.deepEqual(table.defaultExchange, { name: "celery", type: "direct" });
    assert.equal(table.defaultRoutingKey, "celery");
  });

  it("declares the automatic default queue as quorum with task_default_queue_type quorum, and names it by the settings", () => {
    const table = createQueueTable(
      settings({
        task_default_queue: "work",
        task_default_exchange: "tasks",
        task_default_exchange_type: "topic",
        task_default_routing_key: "task.#",
        task_default_queue_type: "quorum",
      }),
    );
    const q = table.get("work");
    assert.deepEqual(q.exchange, { name: "tasks", type: "topic" });
    assert.equal(q.routingKey, "task.#");
    assert.deepEqual(q.arguments, { "x-queue-type": "quorum" });
  });

  it("gives listed queues without exchange or routing key the default exchange and routing key (not their own name)", () => {
    const table = createQueueTable(
      settings({ task_default_queue: "work", task_queues: [{ name: "a" }, { name: "b", exchange: "media", exchange_type: "topic", routing_key: "m.#" }] }),
    );
    assert.deepEqual(table.get("a").exchange, { name: "work", type: "direct" });
    assert.equal(table.get("a").routingKey, "work");
    assert.deepEqual(table.get("b").exchange, { name: "media", type: "topic" });
    assert.equal(table.get("b").routingKey, "m.#");
  });

  it("reads the old dict form through add_compat: routing key defaults to the name, binding_key wins, exchange_* flags", () => {
    const table = createQueueTable(
      settings({
        task_queues: {
          a: { exchange: "default" },
          b: { exchange: "default", binding_key: "bk", routing_key: "rk" },
          c: { exchange: "x", exchange_type: "fanout", durable: false, exchange_durable: true } as never,
        },
      }),
    );
    assert.equal(table.get("a").routingKey, "a");
    assert.equal(table.get("b").routingKey, "bk");
    assert.deepEqual(table.get("c").exchange, { name: "x", type: "fanout", durable: true });
    assert.equal(table.get("c").durable, false);
  });

  it("adds task_queue_max_priority where queue_arguments set no x-max-priority", () => {
    const table = createQueueTable(
      settings({ task_queue_max_priority: 10, task_queues: [{ name: "a" }, { name: "b", queue_arguments: { "x-max-priority": 3 } }] }),
    );
    assert.deepEqual(table.get("a").arguments, { "x-max-priority": 10 });
    assert.deepEqual(table.get("b").arguments, { "x-max-priority": 3 });
    assert.deepEqual(table.get("new").arguments, { "x-max-priority": 10 });
  });

  it("creates missing queues with their own direct exchange, or the configured type and queue type", () => {
    const plain = createQueueTable(settings({}));
    assert.deepEqual(plain.get("m"), { name: "m", exchange: { name: "m", type: "direct" }, routingKey: "m" });
    const custom = createQueueTable(settings({ task_create_missing_queue_type: "quorum", task_create_missing_queue_exchange_type: "topic" }));
    assert.deepEqual(custom.get("m"), { name: "m", exchange: { name: "m", type: "topic" }, routingKey: "m", arguments: { "x-queue-type": "quorum" } });
    assert.equal(custom.list().length, 2);
  });

  it("refuses a missing queue with create-missing off, as Celery's QueueNotFound", () => {
    const table = createQueueTable(settings({ task_create_missing_queues: false, task_queues: [{ name: "a" }] }));
    assert.throws(
      () => table.get("b"),
      (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("Queue 'b' missing from task_queues"),
    );
    assert.equal(table.find("b"), undefined);
  });

  it("finds queues by alias; a queue with bindings has no main binding; kombu attributes become arguments", () => {
    const table = createQueueTable(
      settings({
        task_queues: [
          { name: "a", alias: "alpha", expires: 1.5, message_ttl: 60, max_priority: 4, exclusive: true },
          { name: "b", exchange: "ignored", bindings: [{ exchange: "t", routing_key: "x.#" }, { exchange: { name: "f", type: "fanout" } }] },
        ],
      }),
    );
    const a = table.get("alpha");
    assert.equal(a.name, "a");
    assert.equal(a.expiresMs, 1500);
    assert.equal(a.messageTtlMs, 60_000);
    assert.equal(a.maxPriority, 4);
    assert.equal(a.autoDelete, true, "exclusive implies auto-delete");
    const b = table.get("b");
    assert.equal(b.exchange, null, "kombu declares only the bindings");
    assert.equal(b.routingKey, "celery");
    assert.deepEqual(b.bindings, [
      { exchange: { name: "t", type: "direct" }, routingKey: "x.#" },
      { exchange: { name: "f", type: "fanout" }, routingKey: "" },
    ]);
  });

  it("keeps QueueSpec queues (ClientOptions.queues) as given: their own exchange by default, null for none", () => {
    const table = createQueueTable(settings({}), [
      { name: "p", maxPriority: 10 },
      { name: "raw", exchange: null },
    ]);
    assert.deepEqual(table.get("p").exchange, { name: "p", type: "direct" });
    assert.equal(table.get("p").routingKey, "p");
    assert.equal(table.get("raw").exchange, null);
    assert.equal(table.find("celery"), undefined, "listed queues replace the automatic default queue");
  });

  it("toRoutingSettings fills Celery 5.7's defaults and keeps nulls", () => {
    const s = toRoutingSettings({ task_default_queue: "work", task_default_exchange: null, task_routes: { a: "b" } });
    assert.equal(s.task_default_queue, "work");
    assert.equal(s.task_default_exchange, null);
    assert.equal(s.task_default_delivery_mode, 2);
    assert.equal(s.task_create_missing_queues, true);
    assert.deepEqual(s.task_routes, { a: "b" });
  });
});
