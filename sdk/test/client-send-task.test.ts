import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryClient } from "../src/client/celery-client.js";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import type { ClientOptions } from "../src/client/client-options.js";
import { DisabledResultBackend } from "../src/results/disabled-result-backend.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { Delivery } from "../src/transport/transport.js";
import { decodeTaskMessage } from "../src/codec/task/decode-task-message.js";
import { createTaskMessage } from "../src/codec/task/create-task-message.js";
import { encodeAmqpPublish } from "../src/codec/amqp/encode-amqp-publish.js";
import { envelopeFromPublish } from "../src/codec/redis/encode-redis-envelope.js";
import { toPublishOptions } from "../src/transport/amqp/to-publish-options.js";
import { decodeControlMessage } from "../src/codec/message/decode-control-message.js";
import { decodeEventMessage } from "../src/codec/message/decode-event-message.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { drainMemoryQueue as drain } from "./support/drain-memory-queue.js";

async function setup(options: ClientOptions = {}) {
  const transport = new MemoryTransport();
  const client = new CeleryClient(transport, new DisabledResultBackend(), compileClientOptions({ broker: transport, ...options }, {}));
  return { transport, client };
}

describe("CeleryClient.sendTask", () => {
  it("publishes to the default queue through the default exchange, with Celery's headers", async () => {
    const { transport, client } = await setup();
    const id = await client.sendTask("tasks.add", [2, 2], {}, { countdown: 5, timeLimit: 10 });
    const [d] = await drain(transport, "celery");
    assert.ok(d);
    assert.deepEqual(d.message.deliveryInfo?.exchange, "");
    assert.equal(d.message.deliveryInfo?.routingKey, "celery");
    const m = decodeTaskMessage(d.message);
    assert.equal(m.headers.id, id);
    assert.deepEqual(m.headers.timelimit, [10, null]);
    assert.equal(m.properties.reply_to, client.backend.replyTo);
    assert.ok(m.eta !== null);
  });

  it("routes by exact name, glob, and router function; per-call queue wins", async () => {
    const { transport, client } = await setup({
      routes: [{ "feeds.*": "feeds", "tasks.mul": { queue: "math", priority: 7 } }, (name) => (name === "x.y" ? "fn-queue" : undefined)],
    });
    await client.sendTask("feeds.fetch", [], {}, {});
    await client.sendTask("tasks.mul", [1, 2], {}, {});
    await client.sendTask("x.y", [], {}, {});
    await client.sendTask("tasks.mul", [], {}, { queue: "override" });
    assert.equal((await drain(transport, "feeds")).length, 1);
    const [math] = await drain(transport, "math");
    assert.equal(math?.message.properties["priority"], 7);
    assert.equal((await drain(transport, "fn-queue")).length, 1);
    assert.equal((await drain(transport, "override")).length, 1);
  });

  it("priority null (Celery's priority=None): no property for a named queue; 0 where the router merges it away", async () => {
    const { transport, client } = await setup({ routes: [{ "tasks.routed": "routed" }] });
    await client.sendTask("tasks.add", [], {}, { queue: "named", priority: null });
    await client.sendTask("tasks.add", [], {}, { priority: null });
    await client.sendTask("tasks.routed", [], {}, { priority: null });
    await client.sendTask("tasks.add", [], {}, { queue: "named" });
    const priorities = async (queue: string) => (await drain(transport, queue)).map((d) => d.message.properties["priority"] ?? "absent");
    assert.deepEqual([await priorities("named"), await priorities("celery"), await priorities("routed")], [["absent", 0], [0], [0]]);
  });

  it("a message without a priority: no AMQP priority option, priority 0 in kombu's Redis envelope", () => {
    const message = createTaskMessage({ task: "tasks.add", id: "00000000-0000-4000-8000-000000000001", priority: null });
    assert.equal("priority" in message.properties, false);
    assert.equal(createTaskMessage({ task: "tasks.add" }).properties.priority, 0);
    const publish = encodeAmqpPublish(message, { exchange: "", routingKey: "celery" });
    assert.equal("priority" in toPublishOptions(publish.properties), false);
    const envelope = JSON.parse(envelopeFromPublish(publish)) as { properties: Record<string, unknown> };
    assert.equal(envelope.properties["priority"], 0);
  });

  it("publishes to a named exchange with a routing key", async () => {
    const { transport, client } = await setup({ queues: [{ name: "images", exchange: { name: "media", type: "topic" }, routingKey: "media.#" }] });
    await transport.declareQueue({ name: "images", exchange: { name: "media", type: "topic" }, routingKey: "media.#" });
    await client.sendTask("media.resize", [], {}, { exchange: "media", routingKey: "media.image.resize" });
    const [d] = await drain(transport, "images");
    assert.equal(d?.message.deliveryInfo?.exchange, "media");
  });

  it("sends a task-sent event when sendSentEvent is on", async () => {
    const { transport, client } = await setup({ sendSentEvent: true });
    await transport.declareQueue({ name: "events", exchange: { name: "celeryev", type: "fanout" } });
    const id = await client.sendTask("tasks.add", [1, 2], {}, {});
    const [d] = await drain(transport, "events");
    assert.ok(d);
    const { events, hostname } = decodeEventMessage(d.message);
    assert.equal(events[0]?.type, "task-sent");
    assert.equal((events[0] as { uuid?: string }).uuid, id);
    assert.match(hostname ?? "", /^gen\d+@/);
  });

  it("broadcasts a revoke exactly as app.control.revoke does", async () => {
    const { transport, client } = await setup();
    await transport.declareQueue({ name: "w1.celery.pidbox", exchange: { name: "celery.pidbox", type: "fanout" } });
    await client.broadcast("revoke", { task_id: "abc", terminate: false, signal: "SIGTERM" });
    const [d] = await drain(transport, "w1.celery.pidbox");
    assert.ok(d);
    const decoded = decodeControlMessage(d.message);
    assert.equal(decoded.type, "request");
    assert.deepEqual(decoded.type === "request" ? decoded.request : null, {
      method: "revoke",
      arguments: { task_id: "abc", terminate: false, signal: "SIGTERM" },
      destination: null,
      pattern: null,
      matcher: null,
    });
    assert.deepEqual(Object.keys(decoded.headers), ["clock", "expires"]);
  });

  it("takes the broker and backend from CELERY_BROKER_URL / CELERY_RESULT_BACKEND, options first", () => {
    const env = { CELERY_BROKER_URL: "redis://env-host:6379/0", CELERY_RESULT_BACKEND: "rpc://" };
    const fromEnv = compileClientOptions({}, env);
    assert.deepEqual([fromEnv.broker, fromEnv.backend], ["redis://env-host:6379/0", "rpc://"]);
    const explicit = compileClientOptions({ broker: "amqp://h//", backend: null }, env);
    assert.deepEqual([explicit.broker, explicit.backend], ["amqp://h//", null]);
    assert.equal(compileClientOptions({}, {}).broker, "amqp://guest:guest@localhost:5672//");
  });

  it("refuses bad options loudly, naming the option", async () => {
    assert.throws(
      () => compileClientOptions({ serializer: "pickle" as never }),
      (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("serializer:"),
    );
    assert.throws(
      () => compileClientOptions({ queues: [{ name: "a" }, { name: "a" }] }),
      (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("queues:"),
    );
  });

  it("reading results without a backend is refused with a clear error", async () => {
    const { client } = await setup();
    await assert.rejects(client.backend.getMeta("x"), (e) => CeleryProtoError.is(e, "InvalidOption") && /no result backend/i.test(e.message));
  });
});

describe("MemoryTransport", () => {
  it("honours prefetch, requeue on reject, and priority queues", async () => {
    const t = new MemoryTransport();
    await t.declareQueue({ name: "p", maxPriority: 9 });
    const base = { exchange: "", routingKey: "p", body: new Uint8Array() };
    for (const priority of [1, 9, 5]) await t.publish({ ...base, properties: { priority, headers: { n: priority } } });
    const seen: Delivery[] = [];
    await t.consume(["p"], (d) => seen.push(d), { prefetch: 1 });
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(seen.length, 1, "prefetch 1 holds back the rest");
    assert.deepEqual(seen[0]?.message.headers, { n: 9 });
    await seen[0]!.reject(true);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(seen[1]?.message.deliveryInfo?.redelivered, true);
    await seen[1]!.ack();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(seen[2]?.message.headers, { n: 5 });
  });
});

/** A backend whose `onTaskCall` (Redis: the SUBSCRIBE's acknowledgement) resolves only when the test says so. */
class GatedBackend extends DisabledResultBackend {
  readonly calls: string[] = [];
  private readonly gates: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(readonly taskCallOverlapsPublish: boolean) {
    super();
  }

  override onTaskCall(taskId: string): Promise<void> {
    this.calls.push(taskId);
    return new Promise<void>((resolve, reject) => this.gates.push({ resolve, reject }));
  }

  open(error?: Error): void {
    for (const gate of this.gates.splice(0)) error === undefined ? gate.resolve() : gate.reject(error);
  }
}

async function gatedSetup(taskCallOverlapsPublish: boolean) {
  const transport = new MemoryTransport();
  const backend = new GatedBackend(taskCallOverlapsPublish);
  const client = new CeleryClient(transport, backend, compileClientOptions({ broker: transport }, {}));
  return { transport, backend, client };
}

describe("CeleryClient.sendTask and the result backend's onTaskCall", () => {
  it("a backend that allows it (Redis): the message goes out alongside onTaskCall, and the call resolves once both did", async () => {
    const { transport, backend, client } = await gatedSetup(true);
    let settled = false;
    const sending = client.sendTask("tasks.add", [1, 1], {}).finally(() => (settled = true));
    const [sent] = await drain(transport, "celery");
    assert.ok(sent, "published before onTaskCall resolved");
    assert.equal(decodeTaskMessage(sent.message).headers.id, backend.calls[0]);
    assert.equal(settled, false, "sendTask still waits for onTaskCall");
    backend.open();
    assert.equal(await sending, backend.calls[0]);
  });

  it("a failed onTaskCall fails the call even when the message went out", async () => {
    const { transport, backend, client } = await gatedSetup(true);
    const sending = client.sendTask("tasks.add", [1, 1], {});
    assert.equal((await drain(transport, "celery")).length, 1);
    backend.open(new CeleryProtoError("TransportClosed", "subscriber gone"));
    await assert.rejects(sending, (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
  });

  it("any other backend (RPC: the reply queue first): nothing is published until onTaskCall resolved; none for ignoreResult", async () => {
    const { transport, backend, client } = await gatedSetup(false);
    const sending = client.sendTask("tasks.add", [1, 1], {});
    assert.equal((await drain(transport, "celery")).length, 0);
    backend.open();
    const id = await sending;
    const [sent] = await drain(transport, "celery");
    assert.equal(sent === undefined ? undefined : decodeTaskMessage(sent.message).headers.id, id);
    await client.sendTask("tasks.add", [1, 1], {}, { ignoreResult: true });
    assert.equal(backend.calls.length, 1);
  });
});
