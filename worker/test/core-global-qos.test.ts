// Celery 5.7's QoS choice for the task consumer (C:celery/worker/consumer/tasks.py `qos_global`): global only on
// RabbitMQ 3.3 to 3.x (kombu's qos_semantics_matches_spec), off with a quorum queue in the table when
// worker_detect_quorum_queues is on ("Global QoS is disabled. Prefetch count is now static."), and what per-consumer
// QoS means for prefetch changes (ETA tasks): the running consumer's prefetch stays.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toResolvedCeleryConfig, type CeleryConfigInput } from "../../sdk/src/config/celery-config.js";
import { createQueueTable, type QueueTable } from "../../sdk/src/routing/create-queue-table.js";
import { toRoutingSettings } from "../../sdk/src/routing/to-routing-settings.js";
import { qosSemanticsMatchesSpec } from "../../sdk/src/transport/amqp/qos-semantics-matches-spec.js";
import { createWorker } from "../src/create-worker.js";
import { decideGlobalQos } from "../src/consumer/decide-global-qos.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, waitUntil } from "./core-fixtures.js";
import { RecordingAmqpTransport } from "./delayed-delivery-fixtures.js";

function tableOf(config: CeleryConfigInput): QueueTable {
  return createQueueTable(toRoutingSettings(toResolvedCeleryConfig(config).settings));
}

const rabbit = (version: string) => ({ kind: "amqp" as const, qosSemanticsMatchesSpec: qosSemanticsMatchesSpec({ product: "RabbitMQ", version }) });
const CLASSIC = tableOf({});
const QUORUM = tableOf({ task_default_queue_type: "quorum" });
/** A quorum queue in the table that the worker need not consume. */
const MIXED = tableOf({ task_queues: [{ name: "a" }, { name: "q", queue_arguments: { "x-queue-type": "quorum" } }] });

describe("decideGlobalQos", () => {
  it("classic queues: global on RabbitMQ 3.10, per consumer on 4.0 and 4.1", () => {
    assert.deepEqual(decideGlobalQos(rabbit("3.10.8"), CLASSIC, true), { global: true, quorumQueue: null, staticPrefetch: false });
    assert.deepEqual(decideGlobalQos(rabbit("4.0.0"), CLASSIC, true), { global: false, quorumQueue: null, staticPrefetch: true });
    assert.deepEqual(decideGlobalQos(rabbit("4.1.2"), CLASSIC, true), { global: false, quorumQueue: null, staticPrefetch: true });
  });

  it("a quorum queue in the table with worker_detect_quorum_queues: per consumer on every version, the queue named", () => {
    for (const version of ["3.10.8", "4.0.0", "4.1.2"]) {
      assert.deepEqual(decideGlobalQos(rabbit(version), QUORUM, true), { global: false, quorumQueue: "celery", staticPrefetch: true }, version);
      assert.deepEqual(decideGlobalQos(rabbit(version), MIXED, true), { global: false, quorumQueue: "q", staticPrefetch: true }, version);
    }
  });

  it("worker_detect_quorum_queues off: the server version alone decides (RabbitMQ 3.x then refuses global QoS on a consumed quorum queue, as with Celery)", () => {
    assert.deepEqual(decideGlobalQos(rabbit("3.10.8"), QUORUM, false), { global: true, quorumQueue: null, staticPrefetch: false });
    assert.deepEqual(decideGlobalQos(rabbit("4.1.2"), QUORUM, false), { global: false, quorumQueue: null, staticPrefetch: true });
  });

  it("Redis and memory: no global QoS, and the prefetch stays adjustable (kept client-side)", () => {
    assert.deepEqual(decideGlobalQos({ kind: "redis" }, QUORUM, true), { global: false, quorumQueue: null, staticPrefetch: false });
    assert.deepEqual(decideGlobalQos({ kind: "memory" }, CLASSIC, true), { global: false, quorumQueue: null, staticPrefetch: false });
  });
});

describe("qosSemanticsMatchesSpec (kombu's pyamqp Transport)", () => {
  it("false only for RabbitMQ 3.3 to 3.x", () => {
    const cases: [Record<string, unknown> | null, boolean][] = [
      [{ product: "RabbitMQ", version: "3.2.4" }, true],
      [{ product: "RabbitMQ", version: "3.3.0" }, false],
      [{ product: "RabbitMQ", version: "3.10.8" }, false],
      [{ product: "RabbitMQ", version: "3.13.7" }, false],
      [{ product: "RabbitMQ", version: "4.0.0" }, true],
      [{ product: "RabbitMQ", version: "4.1.0-rc.1" }, true],
      [{ product: "RabbitMQ", version: Buffer.from("3.12.1") }, false],
      [{ product: "RabbitMQ" }, true],
      [{ product: "RabbitMQ", version: "" }, true],
      [{ product: "LavinMQ", version: "3.5.0" }, true],
      [{}, true],
      [null, true],
    ];
    for (const [props, expected] of cases) assert.equal(qosSemanticsMatchesSpec(props), expected, JSON.stringify(props));
  });
});

describe("the worker's QoS", () => {
  async function start(transport: RecordingAmqpTransport, config: CeleryConfigInput) {
    const logger = captureLogger("INFO");
    const worker = createWorker({
      broker: transport,
      backend: null,
      config,
      concurrency: 1,
      prefetchMultiplier: 2,
      hostname: "qos@test",
      outcomes: recordingOutcomes(),
      eventDispatcher: recordingEvents(),
      control: false,
      heartbeat: false,
      gossip: false,
      logger,
    });
    worker.registry.register("tasks.noop", () => null);
    await worker.start();
    return { worker, logger };
  }

  it("RabbitMQ 3.10, classic: consumes with global QoS; an ETA task raises the prefetch of the running consumer", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const { worker, logger } = await start(transport, {});
    try {
      assert.deepEqual(
        transport.of("consume").map((c) => c.options),
        [{ prefetch: 2, globalQos: true }],
      );
      assert.ok(!logger.lines.some((l) => l.includes("Global QoS is disabled")));
      await publishTask(transport, { task: "tasks.noop", countdown: 60 });
      await waitUntil(() => worker.state.scheduled.size === 1);
      assert.deepEqual(transport.of("setPrefetch"), [{ op: "setPrefetch", prefetch: 3 }]);
      assert.equal(worker.prefetchCount(), 3);
    } finally {
      await worker.stop();
    }
  });

  it("quorum queues (RabbitMQ 3.10): per-consumer QoS, Celery's info line; an ETA task moves the reported count but not the consumer's (static)", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const { worker, logger } = await start(transport, { task_default_queue_type: "quorum" });
    try {
      assert.deepEqual(
        transport.of("consume").map((c) => c.options),
        [{ prefetch: 2, globalQos: false }],
      );
      const info = logger.lines.find((l) => l.includes("Global QoS is disabled. Prefetch count is now static."));
      assert.match(info ?? "", /INFO\/MainProcess\] Global QoS is disabled\. Prefetch count is now static\.\n$/);
      await publishTask(transport, { task: "tasks.noop", countdown: 60 });
      await waitUntil(() => worker.state.scheduled.size === 1);
      assert.deepEqual(transport.of("setPrefetch"), []);
      assert.equal(worker.prefetchCount(), 3, "Celery's qos.value (stats' prefetch_count) still moves");
    } finally {
      await worker.stop();
    }
  });

  it("RabbitMQ 4.x, classic: per-consumer QoS without the info line, prefetch static", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: true });
    const { worker, logger } = await start(transport, {});
    try {
      assert.deepEqual(
        transport.of("consume").map((c) => c.options),
        [{ prefetch: 2, globalQos: false }],
      );
      assert.ok(!logger.lines.some((l) => l.includes("Global QoS is disabled")));
      await publishTask(transport, { task: "tasks.noop", countdown: 60 });
      await waitUntil(() => worker.state.scheduled.size === 1);
      assert.deepEqual(transport.of("setPrefetch"), []);
    } finally {
      await worker.stop();
    }
  });

  it("worker_detect_quorum_queues off, quorum app on RabbitMQ 3.10: global, as Celery", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const { worker, logger } = await start(transport, { task_default_queue_type: "quorum", worker_detect_quorum_queues: false });
    try {
      assert.deepEqual(
        transport.of("consume").map((c) => c.options),
        [{ prefetch: 2, globalQos: true }],
      );
      assert.ok(!logger.lines.some((l) => l.includes("Global QoS is disabled")));
    } finally {
      await worker.stop();
    }
  });
});
