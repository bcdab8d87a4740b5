// Our task-sent event against Celery 5.7's (golden vector events-task-sent: what Flower and celery-exporter read from
// it) and its place on the wire: right behind the task message, not after the broker confirmed that message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capturedToParts, loadGoldenVectors } from "../../conformance/harness/golden-vectors.js";
import { CeleryClient } from "../src/client/celery-client.js";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import { encodeTaskSentEvent } from "../src/client/encode-task-sent-event.js";
import { createTaskMessage } from "../src/codec/task/create-task-message.js";
import { DisabledResultBackend } from "../src/results/disabled-result-backend.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { OutgoingMessage } from "../src/transport/transport.js";

const VARYING = new Set(["hostname", "pid", "timestamp"]);

describe("task-sent", () => {
  const vector = loadGoldenVectors().find((v) => v.scenario === "events-task-sent" && v.celery.startsWith("5.7") && v.broker === "amqp");

  it("has Celery 5.7's fields, key order, values and JSON number types (events-task-sent)", () => {
    assert.ok(vector !== undefined, "the 5.7 amqp events-task-sent vector");
    const recordedText = Buffer.from(capturedToParts(vector.messages[0]!).body).toString("utf8");
    const recorded = JSON.parse(recordedText) as Record<string, unknown>;
    const message = createTaskMessage({
      task: "conformance.add",
      args: [2, 2],
      id: String(recorded["uuid"]),
      eta: String(recorded["eta"]),
    });
    const publish = encodeTaskSentEvent(message, { queue: "celery", exchange: "", routingKey: "celery", clock: 1 });
    const oursText = Buffer.from(publish.body).toString("utf8");
    const ours = JSON.parse(oursText) as Record<string, unknown>;
    assert.deepEqual(Object.keys(ours), Object.keys(recorded));
    for (const key of Object.keys(recorded)) if (!VARYING.has(key)) assert.deepEqual(ours[key], recorded[key], key);
    // Floats stay floats (Python reads `0.0` as float, `0` as int), integers stay integers.
    for (const key of ["utcoffset", "timestamp"]) assert.match(oursText, new RegExp(`"${key}": -?\\d+\\.\\d+`), key);
    for (const key of ["pid", "clock", "retries"]) assert.match(oursText, new RegExp(`"${key}": \\d+[,}]`), key);
    assert.equal(publish.routingKey, "task.sent");
    assert.equal(publish.exchange, "celeryev");
    assert.deepEqual(publish.properties["headers"], { hostname: ours["hostname"] });
  });

  it("is written right behind the task message, before the broker confirms the task", async () => {
    const order: string[] = [];
    let confirmTask: () => void = () => undefined;
    class SlowConfirms extends MemoryTransport {
      override publish(message: OutgoingMessage): Promise<void> {
        order.push(message.exchange === "celeryev" ? "task-sent" : "task");
        const written = super.publish(message);
        if (message.exchange === "celeryev") return written;
        return written.then(() => new Promise<void>((resolve) => (confirmTask = resolve)));
      }
    }
    const transport = new SlowConfirms();
    const client = new CeleryClient(transport, new DisabledResultBackend(), compileClientOptions({ broker: transport, sendSentEvent: true }, {}));
    const sending = client.sendTask("tasks.add", [1, 2], {}, {});
    for (let turn = 0; turn < 100 && order.length < 2; turn++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ["task", "task-sent"]);
    confirmTask();
    assert.match(await sending, /^[0-9a-f-]{36}$/);
  });
});
