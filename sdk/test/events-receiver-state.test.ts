// The SDK's event receiver (over the in-memory broker: batches, localization, wake-up broadcast) and EventState
// (Celery's State rules for worker liveness and task states).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeMessagePublish } from "../src/codec/message/encode-message-publish.js";
import { decodeControlMessage } from "../src/codec/message/decode-control-message.js";
import { EventState } from "../src/events/event-state.js";
import type { ReceivedEvent } from "../src/events/event-receiver-options.js";
import { localizeEvent } from "../src/events/localize-event.js";
import { receiveEvents } from "../src/events/receive-events.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { Delivery } from "../src/transport/transport.js";

const base = { hostname: "w1@h", utcoffset: 0, pid: 1, clock: 1, timestamp: 1_700_000_000.5 };
const ev = (type: string, fields: Record<string, unknown> = {}, localReceived = 1_700_000_000.5): ReceivedEvent =>
  ({ ...base, type, ...fields, local_received: localReceived }) as ReceivedEvent;

describe("receiveEvents", () => {
  it("splits task.multi batches, localizes each event, and wakes workers with a heartbeat broadcast", async () => {
    const transport = new MemoryTransport();
    const wakeups: unknown[] = [];
    await transport.declareQueue({ name: "w1@h.celery.pidbox", exchange: { name: "celery.pidbox", type: "fanout", durable: false }, routingKey: "" });
    await transport.consume(["w1@h.celery.pidbox"], (d: Delivery) => void wakeups.push(decodeControlMessage(d.message)), { prefetch: 0, noAck: true });
    const got: ReceivedEvent[] = [];
    const receiver = await receiveEvents(transport, (e) => got.push(e));
    assert.match(receiver.queue, /^celeryev\.[0-9a-f-]{36}$/);
    assert.equal(wakeups.length, 1);
    assert.equal((wakeups[0] as { request: { method: string } }).request.method, "heartbeat");
    const publish = (routingKey: string, body: unknown): Promise<void> =>
      transport.publish(encodeMessagePublish(body, { exchange: "celeryev", routingKey, headers: { hostname: "w1@h" }, deliveryMode: 1 }));
    await publish("worker.heartbeat", { ...base, type: "worker-heartbeat", freq: 2, active: 0, processed: 0 });
    await publish("task.multi", [
      { ...base, type: "task-started", uuid: "t1", clock: 7 },
      { ...base, type: "task-succeeded", uuid: "t1", result: "3", runtime: 0.1, clock: 8 },
    ]);
    await publish("task.sent", { ...base, type: "task-sent", uuid: "t2", name: "add", clock: 999 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      got.map((e) => e.type),
      ["worker-heartbeat", "task-started", "task-succeeded", "task-sent"],
    );
    for (const e of got) assert.equal(typeof e.local_received, "number");
    // Celery's CLIENT_CLOCK_SKEW: a producer's clock is replaced by the receiver's minus one.
    assert.ok((got[3]!["clock"] as number) < 999);
    await receiver.stop();
    await publish("worker.heartbeat", { ...base, type: "worker-heartbeat", freq: 2 });
    assert.equal(got.length, 4, "nothing after stop()");
  });

  it("localizeEvent moves the timestamp from the sender's zone to ours (utcoffset = hours west of UTC)", () => {
    const localOffset = new Date(1_700_000_000_000).getTimezoneOffset() / 60;
    const out = localizeEvent({ type: "x", timestamp: 1_700_000_000, utcoffset: localOffset - 2 }, 1_700_000_001);
    assert.equal(out["timestamp"], 1_700_000_000 + 2 * 3600);
    assert.equal(out["local_received"], 1_700_000_001);
  });
});

describe("EventState", () => {
  it("keeps a worker alive until its last heartbeat + freq * 2, and offline after worker-offline", () => {
    const state = new EventState();
    state.event(ev("worker-online", { freq: 2, sw_ident: "py-celery" }, 100));
    assert.equal(state.isAlive("w1@h", 103.9), true);
    assert.equal(state.isAlive("w1@h", 104.1), false);
    state.event(ev("worker-heartbeat", { freq: 2, active: 1, processed: 5 }, 104));
    assert.equal(state.isAlive("w1@h", 107), true);
    assert.deepEqual([state.workers.get("w1@h")!.fields["processed"], state.workers.get("w1@h")!.fields["sw_ident"]], [5, "py-celery"]);
    state.event(ev("worker-offline", {}, 105));
    assert.equal(state.isAlive("w1@h", 105.5), false);
    assert.deepEqual(state.aliveWorkers(105.5), []);
  });

  it("moves tasks through Celery's states; an event that happened before the current state only adds fields", () => {
    const state = new EventState();
    state.event(ev("task-received", { uuid: "t", name: "add", args: "(1, 2)", kwargs: "{}" }));
    assert.equal(state.tasks.get("t")!.state, "RECEIVED");
    state.event(ev("task-succeeded", { uuid: "t", result: "3", runtime: 0.5 }));
    state.event(ev("task-started", { uuid: "t" }));
    const t = state.tasks.get("t")!;
    assert.deepEqual([t.state, t.name, t.hostname, t.fields["result"], t.fields["args"]], ["SUCCESS", "add", "w1@h", "3", "(1, 2)"]);
    state.event(ev("task-failed", { uuid: "u", exception: "ValueError('x')" }));
    state.event(ev("task-retried", { uuid: "u" }));
    assert.equal(state.tasks.get("u")!.state, "RETRY", "RETRY always applies");
    state.event(ev("task-progress", { uuid: "v", done: 1 }));
    assert.equal(state.tasks.get("v")!.state, "PROGRESS", "custom events name their state");
    assert.equal(state.eventCount, 6);
  });
});
