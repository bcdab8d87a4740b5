// Celery 5.7's DelayedDelivery bootstep (C:celery/worker/consumer/delayed_delivery.py) in our worker: when it is
// included, what it declares and binds (kombu's native_delayed_delivery, as data in sdk/src/transport/amqp), the
// direct-exchange skip, the queue-type validation, the retries and Celery's log lines; then wired into a worker.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toResolvedCeleryConfig, type CeleryConfigInput } from "../../sdk/src/config/celery-config.js";
import { createQueueTable, type QueueTable } from "../../sdk/src/routing/create-queue-table.js";
import { toRoutingSettings } from "../../sdk/src/routing/to-routing-settings.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { nativeDelayedDeliveryTopology } from "../../sdk/src/transport/amqp/native-delayed-delivery.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../src/create-worker.js";
import { includeDelayedDelivery, startDelayedDelivery, validateDelayedDeliveryQueueType } from "../src/consumer/delayed-delivery.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { captureLogger, publishTask, recordingEvents, recordingOutcomes, waitUntil } from "./core-fixtures.js";
import { RecordingAmqpTransport, type RecordedCall } from "./delayed-delivery-fixtures.js";

function tableOf(config: CeleryConfigInput): QueueTable {
  return createQueueTable(toRoutingSettings(toResolvedCeleryConfig(config).settings));
}

/** A quorum app on a topic exchange: a topic queue, a queue with bindings (topic + fanout) and a direct-exchange queue. */
const QUORUM_APP = {
  task_default_queue_type: "quorum",
  task_default_exchange: "tasks",
  task_default_exchange_type: "topic",
  task_queues: [
    { name: "work", exchange: "tasks", exchange_type: "topic", routing_key: "work.#", queue_arguments: { "x-queue-type": "quorum" } },
    {
      name: "multi",
      bindings: [{ exchange: { name: "other", type: "topic" }, routing_key: "multi.x" }, { exchange: { name: "fan", type: "fanout" } }],
      queue_arguments: { "x-queue-type": "quorum" },
    },
    { name: "plain", exchange: "plain", exchange_type: "direct", routing_key: "plain" },
  ],
} as const satisfies CeleryConfigInput;

const DIRECT_WARNING =
  "Exchange plain is a direct exchange and native delayed delivery do not support direct exchanges.\n" +
  "ETA tasks published to this exchange will block the worker until the ETA arrives.";

/** The topology as the recording transport sees it. */
function topologyCalls(queueType: "classic" | "quorum"): RecordedCall[] {
  return nativeDelayedDeliveryTopology(queueType).map((d): RecordedCall => {
    switch (d.kind) {
      case "exchange":
        return { op: "exchange", name: d.name, type: d.type };
      case "queue":
        return { op: "queue", spec: { name: d.name, exchange: null, arguments: d.arguments } };
      case "queue-binding":
        return { op: "queue-binding", queue: d.queue, exchange: d.exchange, routingKey: d.routingKey };
      case "exchange-binding":
        return { op: "exchange-binding", destination: d.destination, source: d.source, routingKey: d.routingKey };
    }
  });
}

const messages = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/^\[[^\]]*\] /, "").trimEnd());

describe("DelayedDelivery: inclusion and validation", () => {
  it("is included on AMQP when the queue table has a quorum queue (consumed or not), never on Redis or memory", () => {
    const amqp = new RecordingAmqpTransport();
    assert.equal(includeDelayedDelivery(amqp, tableOf(QUORUM_APP)), true);
    assert.equal(includeDelayedDelivery(amqp, tableOf({ task_default_queue_type: "quorum" })), true);
    assert.equal(includeDelayedDelivery(amqp, tableOf({})), false);
    assert.equal(includeDelayedDelivery(amqp, tableOf({ task_queues: [{ name: "a" }, { name: "b", queue_arguments: { "x-queue-type": "classic" } }] })), false);
    assert.equal(includeDelayedDelivery({ kind: "redis" }, tableOf(QUORUM_APP)), false);
    assert.equal(includeDelayedDelivery(new MemoryTransport(), tableOf(QUORUM_APP)), false);
    // worker_detect_quorum_queues governs the QoS choice only: Celery's include_if does not read it.
    assert.equal(includeDelayedDelivery(amqp, tableOf({ ...QUORUM_APP, worker_detect_quorum_queues: false })), true);
  });

  it("broker_native_delayed_delivery_queue_type: classic or quorum, else Celery's ValueError messages", () => {
    assert.equal(validateDelayedDeliveryQueueType("quorum"), "quorum");
    assert.equal(validateDelayedDeliveryQueueType("classic"), "classic");
    assert.throws(() => validateDelayedDeliveryQueueType("stream"), { message: "Invalid queue type 'stream'. Must be one of: classic, quorum" });
    assert.throws(() => validateDelayedDeliveryQueueType(null), { message: "broker_native_delayed_delivery_queue_type is not configured" });
    assert.throws(() => validateDelayedDeliveryQueueType(""), { message: "broker_native_delayed_delivery_queue_type is not configured" });
  });

  it("an invalid queue type is logged critical and thrown (Celery's worker does not start); nothing is declared", async () => {
    const transport = new RecordingAmqpTransport();
    const logger = captureLogger("DEBUG");
    await assert.rejects(
      startDelayedDelivery({ transport, table: tableOf(QUORUM_APP), queueType: "stream", brokerDisplay: "amqp://guest:**@h:5672//", logger }),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
    );
    assert.deepEqual(messages(logger.lines), ["Configuration validation failed: Invalid queue type 'stream'. Must be one of: classic, quorum"]);
    assert.match(logger.lines[0]!, /CRITICAL\/MainProcess/);
    assert.deepEqual(transport.calls, []);
  });
});

describe("DelayedDelivery: what it declares and binds", () => {
  it("kombu's 28-level topology with the configured queue type, then every queue of the table bound through its exchange or its bindings", async () => {
    const transport = new RecordingAmqpTransport();
    const logger = captureLogger("DEBUG");
    const ok = await startDelayedDelivery({
      transport,
      table: tableOf(QUORUM_APP),
      queueType: "quorum",
      brokerDisplay: "amqp://guest:**@127.0.0.1:5672/v",
      logger,
    });
    assert.equal(ok, true);
    const topology = topologyCalls("quorum");
    assert.deepEqual(transport.calls.slice(0, topology.length), topology);
    assert.deepEqual(transport.calls.slice(topology.length), [
      // work: its topic exchange and routing key.
      { op: "exchange-binding", destination: "tasks", source: "celery_delayed_delivery", routingKey: "#.work.#" },
      { op: "queue-binding", queue: "work", exchange: "tasks", routingKey: "#.work.#" },
      // multi: no main exchange (kombu's bound copy drops the table's default), so each binding.
      { op: "exchange-binding", destination: "other", source: "celery_delayed_delivery", routingKey: "#.multi.x" },
      { op: "queue-binding", queue: "multi", exchange: "other", routingKey: "#.multi.x" },
      { op: "exchange-binding", destination: "fan", source: "celery_delayed_delivery", routingKey: "#." },
      { op: "queue-binding", queue: "multi", exchange: "fan", routingKey: "#." },
      // plain: direct exchange, skipped.
    ]);
    assert.deepEqual(messages(logger.lines), [
      "Setting up delayed delivery for broker 'amqp://guest:**@127.0.0.1:5672/v' with queue type 'quorum'",
      "Binding queue 'work' to delayed delivery exchange",
      "Binding queue 'multi' to delayed delivery exchange",
      "Binding queue 'plain' to delayed delivery exchange",
      DIRECT_WARNING,
    ]);
    assert.match(logger.lines.at(-1)!, /WARNING\/MainProcess/);
    assert.match(logger.lines[0]!, /DEBUG\/MainProcess/);
  });

  it("classic queue type: the TTL queues are classic, without x-dead-letter-strategy", async () => {
    const transport = new RecordingAmqpTransport();
    await startDelayedDelivery({ transport, table: tableOf(QUORUM_APP), queueType: "classic", brokerDisplay: "amqp://h//", logger: captureLogger("WARNING") });
    const queues = transport.of("queue");
    assert.equal(queues.length, 28);
    for (const q of queues) {
      assert.equal(q.spec.arguments?.["x-queue-type"], "classic");
      assert.equal("x-dead-letter-strategy" in (q.spec.arguments ?? {}), false);
    }
  });

  it("binds the default queue (and queues -Q created) on the default exchange", async () => {
    const transport = new RecordingAmqpTransport();
    const table = tableOf({ task_default_queue_type: "quorum", task_default_exchange_type: "topic", task_create_missing_queue_type: "quorum" });
    table.get("extra"); // -Q extra: created as Celery does (a direct exchange of its name: skipped)
    const logger = captureLogger("DEBUG");
    await startDelayedDelivery({ transport, table, queueType: "quorum", brokerDisplay: "amqp://h//", logger });
    const bindings = transport.calls.slice(topologyCalls("quorum").length);
    assert.deepEqual(bindings, [
      { op: "exchange-binding", destination: "celery", source: "celery_delayed_delivery", routingKey: "#.celery" },
      { op: "queue-binding", queue: "celery", exchange: "celery", routingKey: "#.celery" },
    ]);
    assert.ok(messages(logger.lines).includes("Binding queue 'extra' to delayed delivery exchange"));
    assert.ok(messages(logger.lines).some((l) => l.startsWith("Exchange extra is a direct exchange")));
  });
});

describe("DelayedDelivery: failures", () => {
  const connectionLost = (): CeleryProtoError => new CeleryProtoError("TransportClosed", "connection lost");

  it("a connection error is retried after 1 s, up to 3 times, with Celery's warning; then it succeeds", async () => {
    const transport = new RecordingAmqpTransport();
    transport.failures.push(connectionLost(), connectionLost());
    const logger = captureLogger("WARNING");
    const slept: number[] = [];
    const ok = await startDelayedDelivery({
      transport,
      table: tableOf(QUORUM_APP),
      queueType: "quorum",
      brokerDisplay: "amqp://guest:**@h:5672//",
      logger,
      sleep: async (ms) => void slept.push(ms),
    });
    assert.equal(ok, true);
    assert.deepEqual(slept, [1000, 1000]);
    assert.deepEqual(messages(logger.lines), [
      "Failed to declare exchanges and queues for 'amqp://guest:**@h:5672//': connection lost",
      "Retrying delayed delivery setup (attempt 1/3) after error: connection lost. Sleeping 1.00 seconds.",
      "Failed to declare exchanges and queues for 'amqp://guest:**@h:5672//': connection lost",
      "Retrying delayed delivery setup (attempt 2/3) after error: connection lost. Sleeping 1.00 seconds.",
      DIRECT_WARNING,
    ]);
    // The whole setup ran again: the topology is complete once more.
    assert.equal(transport.of("queue").length, 28);
  });

  it("after the 3rd retry it gives up: Celery's warning and critical lines, and the worker goes on (resolves false)", async () => {
    const transport = new RecordingAmqpTransport();
    transport.failures.push(connectionLost(), connectionLost(), connectionLost(), connectionLost(), connectionLost());
    const logger = captureLogger("WARNING");
    const slept: number[] = [];
    const ok = await startDelayedDelivery({
      transport,
      table: tableOf(QUORUM_APP),
      queueType: "quorum",
      brokerDisplay: "amqp://h//",
      logger,
      sleep: async (ms) => void slept.push(ms),
    });
    assert.equal(ok, false);
    assert.equal(slept.length, 3);
    const lines = messages(logger.lines);
    assert.equal(lines.filter((l) => l.startsWith("Retrying delayed delivery setup")).length, 3);
    assert.deepEqual(lines.slice(-2), [
      "Failed to setup delayed delivery for 'amqp://h//': connection lost",
      "Failed to setup delayed delivery for all broker URLs. Native delayed delivery will not be available.",
    ]);
    assert.match(logger.lines.at(-1)!, /CRITICAL\/MainProcess/);
    assert.equal(transport.failures.length, 1, "4 attempts in all");
  });

  it("a broker refusal is not retried; a failed queue binding is logged and the others are still bound", async () => {
    const transport = new RecordingAmqpTransport();
    const logger = captureLogger("WARNING");
    const slept: number[] = [];
    // Fail the first binding of `work` (after the topology's 28×3 + 27 + 2 calls).
    const topology = topologyCalls("quorum").length;
    const original = transport.declareExchangeBinding.bind(transport);
    let n = 0;
    transport.declareExchangeBinding = async (b) => {
      n += 1;
      if (b.source === "celery_delayed_delivery" && b.destination === "tasks") throw new CeleryProtoError("BrokerError", "RabbitMQ refused it: 403");
      await original(b);
    };
    const ok = await startDelayedDelivery({
      transport,
      table: tableOf(QUORUM_APP),
      queueType: "quorum",
      brokerDisplay: "amqp://h//",
      logger,
      sleep: async (ms) => void slept.push(ms),
    });
    assert.equal(ok, false);
    assert.deepEqual(slept, []);
    assert.ok(n > 0 && transport.calls.length > topology);
    assert.deepEqual(
      transport.of("queue-binding").filter((b) => b.queue === "multi"),
      [
        { op: "queue-binding", queue: "multi", exchange: "other", routingKey: "#.multi.x" },
        { op: "queue-binding", queue: "multi", exchange: "fan", routingKey: "#." },
      ],
    );
    assert.deepEqual(messages(logger.lines), [
      "Failed to bind queue 'work': RabbitMQ refused it: 403",
      DIRECT_WARNING,
      "Failed to bind queues for 'amqp://h//': One or more failures occurred while binding queues to delayed delivery exchanges (1 sub-exception)",
      "Failed to setup delayed delivery for 'amqp://h//': One or more failures occurred while binding queues to delayed delivery exchanges (1 sub-exception)",
      "Failed to setup delayed delivery for all broker URLs. Native delayed delivery will not be available.",
    ]);
  });
});

describe("DelayedDelivery in the worker", () => {
  async function start(transport: RecordingAmqpTransport, config: CeleryConfigInput, queues?: string[]) {
    const logger = captureLogger("DEBUG");
    const worker = createWorker({
      broker: transport,
      backend: null,
      config,
      ...(queues === undefined ? {} : { queues }),
      concurrency: 2,
      hostname: "ndd@test",
      outcomes: recordingOutcomes(),
      eventDispatcher: recordingEvents(),
      control: false,
      heartbeat: false,
      gossip: false,
      logger,
    });
    await worker.start();
    return { worker, logger };
  }

  it("runs after the worker's queues are declared and before it consumes; a classic app has no step", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const { worker, logger } = await start(transport, QUORUM_APP, ["work", "plain"]);
    try {
      const ops = transport.calls.map((c) => c.op);
      const firstTopology = transport.calls.findIndex((c) => c.op === "exchange" && c.name === "celery_delayed_27");
      const consume = ops.indexOf("consume");
      const declaredWork = transport.calls.findIndex((c) => c.op === "queue" && c.spec.name === "work");
      assert.ok(declaredWork >= 0 && declaredWork < firstTopology && firstTopology < consume, ops.join(","));
      assert.equal(ops.lastIndexOf("queue-binding") < consume, true);
      // Every queue of the table is bound, `multi` too though this worker does not consume it.
      assert.ok(transport.of("queue-binding").some((b) => b.queue === "multi"));
      assert.ok(messages(logger.lines).includes("Setting up delayed delivery for broker 'amqp://' with queue type 'quorum'"));
    } finally {
      await worker.stop();
    }

    const classic = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const second = await start(classic, { task_default_exchange_type: "topic" });
    try {
      assert.equal(classic.calls.filter((c) => (c.op === "exchange" && c.name.startsWith("celery_delayed")) || c.op === "queue-binding").length, 0);
    } finally {
      await second.worker.stop();
    }
  });

  it("a retry from a queue -Q created as quorum goes by native delayed delivery (the worker's -Q queues are in the app's table, as in Celery)", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: false });
    const published: { exchange: string; routingKey: string }[] = [];
    const publish = transport.publish.bind(transport);
    transport.publish = (message) => {
      published.push({ exchange: message.exchange, routingKey: message.routingKey });
      // The memory broker has no celery_delayed_27 exchange: what matters is where the worker sends it.
      return message.exchange === "celery_delayed_27" ? Promise.resolve() : publish(message);
    };
    const registry = new TaskRegistry();
    // Retried onto the classic default queue: only the -Q queue in the table makes this a quorum app.
    registry.register("t.retry", (_args, _kwargs, ctx) => ctx.retry({ countdown: 5, queue: "celery" }));
    const worker = createWorker({
      broker: transport,
      backend: null,
      config: { task_default_exchange_type: "topic", task_create_missing_queue_type: "quorum", task_create_missing_queue_exchange_type: "topic" },
      queues: ["qq"],
      registry,
      concurrency: 1,
      hostname: "ndd@test",
      eventDispatcher: recordingEvents(),
      control: false,
      heartbeat: false,
      gossip: false,
      logger: captureLogger("DEBUG"),
    });
    await worker.start();
    try {
      await publishTask(transport, { task: "t.retry" }, "qq");
      await waitUntil(() => published.some((p) => p.exchange === "celery_delayed_27"), 5000, "the retry");
      const retry = published.find((p) => p.exchange === "celery_delayed_27")!;
      assert.equal(retry.routingKey, `${(5).toString(2).padStart(28, "0").split("").join(".")}.celery`);
    } finally {
      await worker.stop();
    }
  });

  it("a failed setup does not stop the worker from consuming", async () => {
    const transport = new RecordingAmqpTransport({ qosSemanticsMatchesSpec: true });
    transport.declareExchangeBinding = async () => {
      throw new CeleryProtoError("BrokerError", "refused");
    };
    const { worker, logger } = await start(transport, QUORUM_APP, ["work"]);
    try {
      assert.equal(transport.of("consume").length, 1);
      assert.ok(messages(logger.lines).includes("Failed to setup delayed delivery for all broker URLs. Native delayed delivery will not be available."));
    } finally {
      await worker.stop();
    }
  });
});
