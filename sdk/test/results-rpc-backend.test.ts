// The rpc:// result backend over the in-memory transport, fed with the reply messages real Celery published.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { RemoteTaskError } from "../src/codec/exceptions/remote-task-error.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { OutgoingMessage } from "../src/transport/transport.js";
import type { QueueSpec } from "../src/transport/queue-spec.js";
import { createRpcResultBackend } from "../src/results/rpc-result-backend.js";
import { compileRpcResultBackendOptions } from "../src/results/rpc-result-backend-options.js";
import { AsyncResult } from "../src/results/async-result.js";
import { GroupResult } from "../src/results/group-result.js";

const VECTORS = path.resolve(import.meta.dirname, "../../conformance/vectors");

interface AmqpVectorMessage {
  properties: Record<string, unknown> & { correlation_id: string; content_type: string; content_encoding: string };
  body: string;
}
function rpcVector(version: string, scenario: string): AmqpVectorMessage {
  const v = JSON.parse(readFileSync(path.join(VECTORS, version, "amqp", `${scenario}.json`), "utf8")) as { messages: AmqpVectorMessage[] };
  return v.messages[0]!;
}

/** What a Celery worker's RPCBackend.store_result publishes: default exchange, routing key = reply_to. */
function reply(oid: string, taskId: string, body: string): OutgoingMessage {
  return {
    exchange: "",
    routingKey: oid,
    body: new TextEncoder().encode(body),
    properties: { content_type: "application/json", content_encoding: "utf-8", correlation_id: taskId, delivery_mode: 1, priority: 0, headers: {} },
  };
}
const state = (id: string, status: string, result: string): string =>
  `{"task_id": "${id}", "status": "${status}", "result": ${result}, "traceback": null, "children": []}`;

describe("RPC result backend (in-memory transport)", () => {
  it("declares the reply queue as Celery does: the oid, default exchange, auto-delete, x-expires = result_expires * 1000", async () => {
    const transport = new MemoryTransport();
    const declared: QueueSpec[] = [];
    const spy = Object.assign(Object.create(transport) as MemoryTransport, {
      declareQueue: async (q: QueueSpec) => {
        declared.push(q);
        await transport.declareQueue(q);
      },
    });
    const backend = createRpcResultBackend(spy, { replyTo: "oid-1" });
    await backend.onTaskCall("t");
    await backend.onTaskCall("t2");
    assert.equal(declared.length, 1, "declared once, on first use");
    assert.deepEqual(declared[0], {
      name: "oid-1",
      exchange: null,
      routingKey: "oid-1",
      durable: true,
      exclusive: false,
      autoDelete: true,
      expiresMs: 86_400_000,
    });
    assert.equal(backend.replyTo, "oid-1");
    const legacy = createRpcResultBackend(transport, { durableReplyQueue: false, resultExpiresSeconds: 0 });
    assert.equal(legacy.replyQueue.durable, false);
    assert.equal(legacy.replyQueue.expiresMs, undefined);
    assert.match(compileRpcResultBackendOptions().replyTo, /^[0-9a-f-]{36}$/);
    assert.throws(() => compileRpcResultBackendOptions({ accept: ["pickle"] }), /pickle/);
    await backend.close();
    await legacy.close();
  });

  it("keeps the latest state per correlation id and resolves waits on ready states; every state reaches onMessage", async () => {
    const transport = new MemoryTransport();
    const backend = createRpcResultBackend(transport, { replyTo: "oid-2" });
    await backend.onTaskCall("a");
    const seen: string[] = [];
    const waiting = backend.waitForReady("a", { timeoutMs: 1000, onMessage: (m) => seen.push(m.status) });
    await transport.publish(reply("oid-2", "a", state("a", "STARTED", '{"pid": 1, "hostname": "w@h"}')));
    await transport.publish(reply("oid-2", "b", state("b", "SUCCESS", '"other"')));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal((await backend.getMeta("a")).status, "STARTED");
    await transport.publish(reply("oid-2", "a", state("a", "RETRY", '{"exc_type": "RuntimeError", "exc_message": ["x"], "exc_module": "builtins"}')));
    await transport.publish(reply("oid-2", "a", state("a", "SUCCESS", "4")));
    assert.equal((await waiting).result, 4);
    assert.deepEqual(seen, ["STARTED", "RETRY", "SUCCESS"]);
    assert.equal((await backend.getMeta("b")).result, "other", "a reply for a task nobody waits for is kept");
    assert.equal((await backend.getMeta("zzz")).status, "PENDING");
    assert.equal((await backend.waitForReady("b")).result, "other", "a ready state that arrived earlier resolves at once");
    await backend.forget("b");
    assert.equal((await backend.getMeta("b")).status, "PENDING");
    await backend.close();
  });

  for (const version of ["5.3.6", "5.7.0"]) {
    it(`reads Celery ${version}'s real reply messages (success, failure)`, async () => {
      const transport = new MemoryTransport();
      const backend = createRpcResultBackend(transport, { replyTo: "oid-3" });
      const app = { backend };
      await backend.onTaskCall("x");
      for (const scenario of ["rpc-success", "rpc-failure"]) {
        const m = rpcVector(version, scenario);
        await transport.publish({
          exchange: "",
          routingKey: "oid-3",
          body: Buffer.from(m.body, "base64"),
          properties: { ...m.properties, headers: {} },
        });
      }
      assert.equal(await new AsyncResult<number>(rpcVector(version, "rpc-success").properties.correlation_id, app).get({ timeoutMs: 1000 }), 4);
      await assert.rejects(new AsyncResult(rpcVector(version, "rpc-failure").properties.correlation_id, app).get({ timeoutMs: 1000 }), (e: unknown) => {
        assert.ok(RemoteTaskError.is(e));
        assert.equal(e.name, "ValueError");
        assert.equal(e.message, "boom");
        assert.match(e.traceback ?? "", /^Traceback \(most recent call last\):/);
        return true;
      });
      await backend.close();
    });
  }

  it("groups and chords are refused with a typed error, as Celery's ensure_chords_allowed", async () => {
    const backend = createRpcResultBackend(new MemoryTransport());
    for (const op of [backend.saveGroup("g", ["a"]), backend.setChordSize("g", 2), backend.restoreGroup("g"), GroupResult.of("g", ["a"], { backend }).save()]) {
      await assert.rejects(
        op,
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /chords\/groups save not supported by the RPC backend/.test(e.message),
      );
    }
    await backend.close();
  });

  it("an undecodable reply is reported and dropped; waits time out with Timeout; close rejects with TransportClosed", async () => {
    const transport = new MemoryTransport();
    const errors: Error[] = [];
    const backend = createRpcResultBackend(transport, { replyTo: "oid-4", onError: (e) => errors.push(e) });
    await backend.onTaskCall("a");
    await transport.publish(reply("oid-4", "a", "{not json"));
    await transport.publish({
      ...reply("oid-4", "a", "x"),
      properties: { content_type: "application/x-python-serialize", content_encoding: "binary", correlation_id: "a" },
    });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      errors.map((e) => (e as CeleryProtoError).code),
      ["DecodeError", "ContentDisallowed"],
    );
    await assert.rejects(backend.waitForReady("a", { timeoutMs: 20 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    const waiting = assert.rejects(backend.waitForReady("a"), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
    await backend.close();
    await waiting;
    await assert.rejects(backend.getMeta("a"), (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
  });
});
