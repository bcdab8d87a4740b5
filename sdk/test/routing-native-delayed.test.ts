import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { createQueueTable } from "../src/routing/create-queue-table.js";
import { createTaskRouter } from "../src/routing/create-task-router.js";
import { NATIVE_DELAYED_EXCHANGE, routeNativeDelayed, type TaskDelay } from "../src/routing/native-delayed-destination.js";
import { resolveDestination } from "../src/routing/resolve-destination.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../src/routing/routing-settings.js";

const NOW = new Date("2030-01-01T12:00:00.123Z");
const TOPIC_QUORUM: Partial<RoutingSettings> = { task_default_queue_type: "quorum", task_default_exchange_type: "topic", task_default_queue: "q" };
const key = (seconds: number, rk: string): string => `${seconds.toString(2).padStart(28, "0").split("").join(".")}.${rk}`;

function route(config: Partial<RoutingSettings>, delay: Omit<TaskDelay, "now">, kind: "amqp" | "redis" | "memory" = "amqp", options = {}) {
  const settings = { ...CELERY_ROUTING_DEFAULTS, ...config };
  const table = createQueueTable(settings);
  const delayed = routeNativeDelayed(createTaskRouter(settings, table).route("t", [], {}, options), table, kind, { ...delay, now: NOW });
  return { ...delayed, destination: resolveDestination(delayed.routed, table, settings) };
}

describe("routeNativeDelayed (send_task's native delayed delivery branch)", () => {
  it("sends a countdown on a quorum topic queue to celery_delayed_27, the queue dropped", () => {
    const { destination, delay } = route(TOPIC_QUORUM, { countdown: 59.9 });
    assert.deepEqual([destination.exchange, destination.routingKey, destination.queue], [NATIVE_DELAYED_EXCHANGE, key(59, "q"), null]);
    assert.deepEqual(delay, { countdown: 59.9, eta: undefined });
  });

  it("changes nothing off RabbitMQ, without quorum queues, without a delay, or for a delay <= 0", () => {
    for (const r of [
      route(TOPIC_QUORUM, { countdown: 10 }, "redis"),
      route({ ...TOPIC_QUORUM, task_default_queue_type: "classic" }, { countdown: 10 }),
      route(TOPIC_QUORUM, { countdown: 0 }),
      route(TOPIC_QUORUM, { countdown: -3 }),
      route(TOPIC_QUORUM, { eta: "2029-01-01T00:00:00" }),
    ])
      assert.deepEqual([r.destination.exchange, r.destination.routingKey, r.directExchange], ["q", "q", null]);
  });

  it("turns an eta into its distance from now and the header into its instant", () => {
    const { destination, delay } = route(TOPIC_QUORUM, { eta: "2030-01-01T13:00:00", countdown: 5 });
    assert.equal(destination.routingKey, key(3599, "q"));
    assert.deepEqual(delay, { countdown: undefined, eta: new Date("2030-01-01T13:00:00Z") });
  });

  it("reports a direct exchange instead of delaying", () => {
    const { destination, directExchange } = route({ task_default_queue_type: "quorum" }, { countdown: 10 });
    assert.deepEqual([destination.exchange, destination.routingKey, directExchange], ["", "celery", "celery"]);
  });

  it("refuses a delay that int() makes 0, and a route without queue lacking exchange_type", () => {
    const refused = (fn: () => unknown, keyword: string, path: string): void =>
      assert.throws(fn, (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.details[0]?.keyword === keyword && e.details[0]?.path === path);
    refused(() => route(TOPIC_QUORUM, { countdown: 0.5 }), "ValueError", "/countdown");
    refused(() => route({ ...TOPIC_QUORUM, task_routes: { "*": { routing_key: "q" } } }, { countdown: 10 }), "KeyError", "/exchange_type");
  });
});
