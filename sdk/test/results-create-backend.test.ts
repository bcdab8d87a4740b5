// createResultBackend: Celery's result_backend URL → backend; the disabled backend behaves as Celery's DisabledBackend.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import { createResultBackend } from "../src/results/create-result-backend.js";
import { RedisResultBackend } from "../src/results/redis-result-backend.js";
import { RpcResultBackend } from "../src/results/rpc-result-backend.js";
import { AsyncResult } from "../src/results/async-result.js";

const REDIS_URL = (process.env["CELERY_PROTO_REDIS_URL"] ?? "redis://127.0.0.1:6391").replace(/\/\d*$/, "");

describe("createResultBackend", () => {
  it("redis:// → Redis backend with result_expires; rpc:// → RPC backend on the transport", async () => {
    const transport = new MemoryTransport();
    const redis = await createResultBackend(`${REDIS_URL}/16`, transport, 60);
    assert.ok(redis instanceof RedisResultBackend);
    await redis.close();
    const rpc = await createResultBackend("rpc://", transport, 1.5);
    assert.ok(rpc instanceof RpcResultBackend);
    assert.equal(rpc.replyQueue.expiresMs, 1500);
    await rpc.close();
  });

  it("null, '' and disabled:// give Celery's DisabledBackend: sending works, reading results is refused", async () => {
    for (const url of [null, "", "disabled://"]) {
      const backend = await createResultBackend(url, new MemoryTransport());
      assert.equal(backend.kind, "disabled");
      assert.ok(backend.replyTo.length > 0, "messages still carry a reply_to");
      await backend.onTaskCall("t");
      await assert.rejects(
        new AsyncResult("t", { backend }).get(),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /No result backend is configured/.test(e.message),
      );
      await assert.rejects(backend.setChordSize("g", 1), /Starting chords requires a result backend/);
    }
  });

  it("other Celery backends are refused with InvalidOption naming the option, without leaking credentials", async () => {
    await assert.rejects(
      createResultBackend("db+postgresql://user:secret@host/db", new MemoryTransport()),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("backend:") && !e.message.includes("secret"),
    );
  });
});
