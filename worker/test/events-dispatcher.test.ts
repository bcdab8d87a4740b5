// The event dispatcher and heartbeat over the in-memory transport: Celery 5.7's key order, floats as floats,
// routing keys, headers, task.multi batching, the task-events switch and the heartbeat's worker-* events.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { WorkerState } from "../src/app/worker-state.js";
import { buildEvent } from "../src/events/build-event.js";
import { createEventDispatcher } from "../src/events/create-event-dispatcher.js";
import { loadAverage } from "../src/events/load-average.js";
import { pythonPlatformSystem } from "../src/events/software-info.js";
import { startHeartbeat } from "../src/events/start-heartbeat.js";
import { recordingLog } from "./control-fixtures.js";

const NODE = "t-wctl-events@host";

async function capture(): Promise<{ transport: MemoryTransport; messages: (RawTaskParts & { routingKey: string; text: string })[] }> {
  const transport = new MemoryTransport();
  await transport.declareQueue({ name: "celeryev.test", exchange: { name: "celeryev", type: "topic" }, routingKey: "#", autoDelete: true, durable: false });
  const messages: (RawTaskParts & { routingKey: string; text: string })[] = [];
  await transport.consume(
    ["celeryev.test"],
    (d) => messages.push({ ...d.message, routingKey: d.message.deliveryInfo?.routingKey ?? "", text: Buffer.from(d.message.body).toString("utf8") }),
    { prefetch: 0, noAck: true },
  );
  return { transport, messages };
}

describe("event dispatcher", () => {
  it("builds events in Celery's key order with float utcoffset/timestamp/runtime", () => {
    const event = buildEvent(
      "task-succeeded",
      { uuid: "u", result: "4", runtime: 1, hostname: "ignored" },
      { hostname: NODE, utcoffset: 0, pid: 7, clock: 3 },
      1_700_000_000_000,
    );
    assert.deepEqual(Object.keys(event), ["hostname", "utcoffset", "pid", "clock", "uuid", "result", "runtime", "timestamp", "type"]);
    assert.equal(
      JSON.stringify(event),
      `{"hostname":"${NODE}","utcoffset":"0","pid":7,"clock":3,"uuid":"u","result":"4","runtime":"1","timestamp":"1700000000","type":"task-succeeded"}`,
    );
  });

  it("publishes worker events singly and task events as task.multi batches, headers {hostname}, delivery_mode 1", async () => {
    const { transport, messages } = await capture();
    const state = new WorkerState();
    const log = recordingLog();
    const dispatcher = createEventDispatcher({ transport, hostname: NODE, clock: state.clock, enabled: true, pid: 42, log });
    dispatcher.send("task-received", {
      uuid: "t1",
      name: "conformance.add",
      args: "(2, 2)",
      kwargs: "{}",
      root_id: "t1",
      parent_id: null,
      retries: 0,
      eta: null,
      expires: null,
    });
    dispatcher.send("task-started", { uuid: "t1" });
    dispatcher.send("worker-heartbeat", { freq: 5 });
    dispatcher.send("task-succeeded", { uuid: "t1", result: "4", runtime: 0.01 });
    await dispatcher.flush();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      messages.map((m) => m.routingKey),
      ["task.multi", "worker.heartbeat", "task.multi"],
    );
    const first = JSON.parse(messages[0]!.text) as Record<string, unknown>[];
    assert.deepEqual(
      first.map((e) => [e["type"], e["clock"]]),
      [
        ["task-received", 1],
        ["task-started", 2],
      ],
    );
    assert.match(messages[0]!.text, /"utcoffset": -?\d+\.\d+, "pid": 42, "clock": 1, "uuid": "t1"/);
    assert.match(
      messages[1]!.text,
      /^\{"hostname": "t-wctl-events@host", "utcoffset": -?\d+\.\d+, "pid": 42, "clock": 3, "freq": 5, "timestamp": \d+\.\d+, "type": "worker-heartbeat"\}$/,
    );
    assert.deepEqual(messages[1]!.headers, { hostname: NODE });
    assert.equal(messages[1]!.properties["delivery_mode"], 1);
    assert.equal(messages[1]!.properties["content_type"], "application/json");
    assert.deepEqual(log.lines, []);
    await dispatcher.close();
  });

  it("without task events only worker-* events go out; setEnabled flips it; bufferTaskEvents: false sends singly", async () => {
    const { transport, messages } = await capture();
    const dispatcher = createEventDispatcher({ transport, hostname: NODE, bufferTaskEvents: false });
    assert.equal(dispatcher.enabled, false);
    dispatcher.send("task-received", { uuid: "t1" });
    dispatcher.send("worker-online", {});
    dispatcher.setEnabled(true);
    dispatcher.send("task-failed", { uuid: "t1", exception: "ValueError('boom')", traceback: "" });
    await dispatcher.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      messages.map((m) => m.routingKey),
      ["worker.online", "task.failed"],
    );
    dispatcher.send("worker-heartbeat", {});
    await new Promise((r) => setImmediate(r));
    assert.equal(messages.length, 2, "nothing is sent after close");
  });

  it("a batch is flushed at bufferLimit", async () => {
    const { transport, messages } = await capture();
    const dispatcher = createEventDispatcher({ transport, hostname: NODE, enabled: true, bufferLimit: 2 });
    for (let i = 0; i < 5; i++) dispatcher.send("task-started", { uuid: `t${i}` });
    await dispatcher.flush();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      messages.map((m) => (JSON.parse(m.text) as unknown[]).length),
      [2, 2, 1],
    );
  });
});

describe("heartbeat", () => {
  it("sends worker-online, worker-heartbeat every freq s, worker-offline; fields as Celery's Heart", async () => {
    const { transport, messages } = await capture();
    const state = new WorkerState();
    state.countProcessed("conformance.add");
    const dispatcher = createEventDispatcher({ transport, hostname: NODE, clock: state.clock });
    const heart = startHeartbeat(dispatcher, state, { freq: 0.05 });
    await new Promise((r) => setTimeout(r, 130));
    await heart.stop();
    await dispatcher.close();
    await new Promise((r) => setImmediate(r));
    const types = messages.map((m) => m.routingKey);
    assert.equal(types[0], "worker.online");
    assert.equal(types.at(-1), "worker.offline");
    assert.ok(types.filter((t) => t === "worker.heartbeat").length >= 1, types.join());
    const online = JSON.parse(messages[0]!.text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(online), [
      "hostname",
      "utcoffset",
      "pid",
      "clock",
      "freq",
      "active",
      "processed",
      "loadavg",
      "sw_ident",
      "sw_ver",
      "sw_sys",
      "timestamp",
      "type",
    ]);
    assert.deepEqual([online["active"], online["processed"], online["sw_ident"], online["sw_sys"]], [0, 1, "celery-proto", pythonPlatformSystem()]);
    assert.match(messages[0]!.text, /"freq": 0\.05, "active": 0, "processed": 1, "loadavg": \[\d+\.\d+, \d+\.\d+, \d+\.\d+\]/);
  });

  it("loadavg rounds up to two decimals, as floats", () => {
    assert.deepEqual(
      loadAverage([0.921, 1, 0]).map((f) => f.value),
      [0.93, 1, 0],
    );
    assert.equal(JSON.stringify(loadAverage([1, 2, 3])), '["1","2","3"]');
  });
});
