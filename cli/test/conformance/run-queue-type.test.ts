import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runQueueType } from "../../src/conformance-suite/run-queue-type.js";

const AMQP = "amqp://guest:guest@localhost:5672//";

describe("runQueueType: the run's queue_type feature from its configuration", () => {
  it("is classic by default, and on Redis whatever the configuration says", () => {
    assert.equal(runQueueType({}, "peer", AMQP), "classic");
    assert.equal(runQueueType({ task_create_missing_queue_type: "quorum" }, "peer", "redis://localhost:6379/0"), "classic");
  });

  it("is quorum when a missing peer queue is created as a quorum queue", () => {
    assert.equal(runQueueType({ task_create_missing_queue_type: "quorum" }, "peer", AMQP), "quorum");
  });

  it("follows task_queues for a listed peer queue, and the default queue's task_default_queue_type", () => {
    const listed = { task_create_missing_queue_type: "quorum" as const, task_queues: [{ name: "peer", queue_arguments: { "x-queue-type": "classic" } }] };
    assert.equal(runQueueType(listed, "peer", AMQP), "classic");
    assert.equal(runQueueType({ task_queues: [{ name: "peer", queue_arguments: { "x-queue-type": "quorum" } }] }, "peer", AMQP), "quorum");
    assert.equal(runQueueType({ task_default_queue: "peer", task_default_queue_type: "quorum" }, "peer", AMQP), "quorum");
  });

  it("is classic when the configuration refuses to create the peer queue (the cases then fail with its message)", () => {
    assert.equal(runQueueType({ task_create_missing_queues: false, task_default_queue_type: "quorum" }, "peer", AMQP), "classic");
  });
});
