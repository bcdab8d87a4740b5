// The producer SDK end to end: createClient → real broker → real Python Celery worker → results read back in TS,
// on both brokers and both result backends.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { defineTask } from "../../sdk/src/client/task-descriptor.js";
import { RemoteTaskError } from "../../sdk/src/codec/exceptions/remote-task-error.js";
import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { decodeEventMessage } from "../../sdk/src/codec/message/decode-event-message.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const add = defineTask<[number, number], number>("conformance.add");
const fail = defineTask<[string], never>("conformance.fail");

interface EchoRequest {
  request: Record<string, unknown>;
  utc_now: string;
}

const MATRIX: ReadonlyArray<{ broker: BrokerKind; backend: "redis" | "rpc"; brokerDb: number; resultDb: number }> = [
  { broker: "redis", backend: "redis", brokerDb: 20, resultDb: 21 },
  { broker: "amqp", backend: "redis", brokerDb: 0, resultDb: 22 },
  { broker: "amqp", backend: "rpc", brokerDb: 0, resultDb: 0 },
  { broker: "redis", backend: "rpc", brokerDb: 23, resultDb: 0 },
];

for (const { broker, backend, brokerDb, resultDb } of MATRIX) {
  describe(`client → Python worker: ${broker} broker, ${backend} backend`, { timeout: 180_000 }, () => {
    const queue = `t-client-${process.pid}-${broker}-${backend}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(brokerDb) : AMQP_URL;
    const backendUrl = backend === "redis" ? redisDbUrl(resultDb) : "rpc://";
    let worker: PythonWorker;
    let client: Client;

    before(async () => {
      if (broker === "redis") await flush(brokerUrl);
      if (backend === "redis") await flush(backendUrl);
      worker = await PythonWorker.start({ brokerUrl, resultBackend: backendUrl, queue, pool: "prefork", concurrency: 2, events: true });
      client = await createClient({ broker: brokerUrl, backend: backendUrl, defaultQueue: queue });
    });
    after(async () => {
      await client?.transport.deleteQueue(queue).catch(() => undefined);
      await client?.close();
      await worker?.stop();
    });

    it("typed enqueue + get() resolves with the value", async () => {
      const result = await client.enqueue(add, [2, 3]);
      const value: number = await result.get({ timeoutMs: 20_000 });
      assert.equal(value, 5);
      assert.equal(await result.state(), "SUCCESS");
    });

    it("get() rejects with the Python exception on FAILURE", async () => {
      const result = await client.enqueue(fail, ["boom"]);
      await assert.rejects(result.get({ timeoutMs: 20_000 }), (e: unknown) => {
        assert.ok(RemoteTaskError.is(e));
        assert.deepEqual([e.excType, e.excModule, e.message, e.taskId], ["ValueError", "builtins", "boom", result.id]);
        assert.match(e.traceback ?? "", /Traceback \(most recent call last\):[\s\S]*ValueError: boom/);
        return true;
      });
    });

    it("options reach the worker with Celery's meaning", async () => {
      const rootId = randomUUID();
      const parentId = randomUUID();
      const sent = Date.now();
      const result = await client.enqueue(
        "conformance.echo_request",
        [1],
        { k: "v" },
        {
          countdown: 1,
          expires: 120,
          timeLimit: 30,
          softTimeLimit: 20,
          headers: { "x-tenant": "acme" },
          shadow: "shadowed.echo",
          retries: 1,
          rootId,
          parentId,
          stamps: { monitoring_id: "m-1" },
          priority: 3,
          serializer: "msgpack",
          compression: "gzip",
        },
      );
      const echo = (await result.get({ timeoutMs: 30_000 })) as EchoRequest;
      const r = echo.request;
      assert.ok(Date.parse(echo.utc_now) >= sent + 900, "countdown honoured");
      assert.match(String(r["expires"]), /\+00:00$/);
      assert.equal(r["shadow"], "shadowed.echo");
      assert.equal(r["retries"], 1);
      assert.equal(r["root_id"], rootId);
      assert.equal(r["parent_id"], parentId);
      assert.equal((r["headers"] as Record<string, unknown> | null)?.["x-tenant"], "acme");
      const timelimit = r["timelimit"] as unknown;
      const pair = Array.isArray(timelimit) ? timelimit : (timelimit as { items: unknown[] }).items;
      assert.deepEqual(pair, [30, 20], "[hard, soft]");
      assert.equal((r["stamps"] as Record<string, unknown> | undefined)?.["monitoring_id"], "m-1");
      assert.match(worker.log, new RegExp(`shadowed\\.echo\\[${result.id}\\]`), "the shadow name is what the worker logs");
    });

    it("an expired task is revoked by the worker; get() rejects with TaskRevokedError", async () => {
      const result = await client.enqueue(add, [1, 1], {}, { expires: new Date(Date.now() - 1000) });
      await assert.rejects(result.get({ timeoutMs: 20_000 }), (e: unknown) => RemoteTaskError.is(e) && e.excType === "TaskRevokedError");
    });

    it("ignoreResult stores nothing", { skip: backend === "rpc" ? "the RPC backend has no store to inspect" : false }, async () => {
      const ignored = await client.enqueue(add, [1, 2], {}, { ignoreResult: true });
      await (await client.enqueue(add, [0, 0])).get({ timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await ignored.state(), "PENDING");
    });

    it("revoke() prevents a queued task", async () => {
      const result = await client.enqueue(add, [5, 5], {}, { countdown: 3 });
      await result.revoke();
      await assert.rejects(result.get({ timeoutMs: 20_000 }), (e: unknown) => RemoteTaskError.is(e) && e.excType === "TaskRevokedError");
    });
  });
}

describe("shadow name in the worker's events (Redis fanout)", { timeout: 60_000 }, () => {
  it("task-received carries the shadow name", async () => {
    const queue = `t-client-${process.pid}-events`;
    const brokerUrl = redisDbUrl(24);
    await flush(brokerUrl);
    const worker = await PythonWorker.start({ brokerUrl, resultBackend: redisDbUrl(25), queue, events: true });
    const sub = new Redis(brokerUrl);
    const names: string[] = [];
    await sub.psubscribe("/24.celeryev/*");
    sub.on("pmessage", (_p: string, _c: string, raw: string) => {
      for (const e of decodeEventMessage(readRedisEnvelope(raw)).events) if (e.type === "task-received") names.push(String((e as { name?: unknown }).name));
    });
    const client = await createClient({ broker: brokerUrl, backend: redisDbUrl(25), defaultQueue: queue });
    try {
      await (await client.enqueue(add, [1, 2], {}, { shadow: "shadowed.add" })).get({ timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(names.includes("shadowed.add"), `task-received names: ${names.join(", ")}`);
    } finally {
      await client.close();
      sub.disconnect();
      await worker.stop();
    }
  });
});

describe("proto enqueue", { timeout: 90_000 }, () => {
  it("prints the id, and with --wait the result; a failure exits 1 with the exception", async () => {
    const queue = `t-client-${process.pid}-cli`;
    const brokerUrl = redisDbUrl(26);
    await flush(brokerUrl);
    const worker = await PythonWorker.start({ brokerUrl, resultBackend: redisDbUrl(27), queue });
    try {
      const base = ["bin/proto.js", "enqueue", "--broker", brokerUrl, "--backend", redisDbUrl(27), "--queue", queue, "--wait", "--timeout", "20"];
      const ok = spawnSync(process.execPath, [...base, "conformance.add", "--args", "[2, 3]"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(ok.status, 0, ok.stderr);
      const [id, value] = ok.stdout.trim().split("\n");
      assert.match(id ?? "", /^[0-9a-f-]{36}$/);
      assert.equal(value, "5");
      const bad = spawnSync(process.execPath, [...base, "conformance.fail", "--args", '["nope"]'], { cwd: ROOT, encoding: "utf8" });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^ValueError: nope/);
    } finally {
      await worker.stop();
    }
  });
});

async function flush(url: string): Promise<void> {
  const r = new Redis(url);
  await r.flushdb();
  r.disconnect();
}
