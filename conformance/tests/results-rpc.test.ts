// rpc:// results from REAL Python Celery workers (prefork, result_backend="rpc://") on RabbitMQ and on Redis (db 16),
// read by our RpcResultBackend through the project's transports. Queues are named t-res-<pid>-*.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { RemoteTaskError } from "../../sdk/src/codec/exceptions/remote-task-error.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import { createRpcResultBackend, type RpcResultBackend } from "../../sdk/src/results/rpc-result-backend.js";
import { AsyncResult } from "../../sdk/src/results/async-result.js";
import { GroupResult } from "../../sdk/src/results/group-result.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";

const BROKER_DB = 16;
const ROOT = path.resolve(import.meta.dirname, "../..");

/** Python's RPCBackend declares its reply queue (`backend.binding`) under our oid; prints "declared" or the error. */
const DECLARE_SCRIPT = `
import sys
from conformance_app import app
app.backend.__dict__["oid"] = sys.argv[1]
try:
    with app.connection_for_write() as conn:
        app.backend.binding(conn.default_channel).declare()
    print("declared")
except Exception as exc:
    print(repr(exc))
`;

function declareLikePython(venv: string, oid: string): string {
  const r = spawnSync(path.join(ROOT, venv, "bin", "python"), ["-c", DECLARE_SCRIPT, oid], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python"), CONFORMANCE_BROKER_URL: AMQP_URL, CONFORMANCE_RESULT_BACKEND: "rpc://" },
  });
  return `${r.stdout}${r.stderr}`.trim();
}

function dedupe(states: readonly string[]): string[] {
  return states.filter((s, i) => i === 0 || states[i - 1] !== s);
}

for (const broker of ["amqp", "redis"] as const satisfies readonly BrokerKind[]) {
  describe(`RPC result backend ← real Celery 5.7 worker over ${broker}`, { timeout: 90_000 }, () => {
    const queue = `t-res-${process.pid}-rpc-${broker}`;
    const brokerUrl = broker === "amqp" ? AMQP_URL : redisDbUrl(BROKER_DB);
    let worker: PythonWorker;
    let transport: Transport;
    let backend: RpcResultBackend;
    let amqpPub: RawAmqpPublisher | undefined;
    let redisPub: RawRedisPublisher | undefined;

    async function send<T>(input: TaskMessageInput): Promise<AsyncResult<T>> {
      const message = createTaskMessage({ ...input, replyTo: backend.replyTo });
      await backend.onTaskCall(message.headers.id);
      if (amqpPub !== undefined) await amqpPub.publish(encodeAmqpPublish(message, { routingKey: queue }));
      else await redisPub!.lpush(queue, encodeRedisEnvelope(message, { routingKey: queue }));
      return new AsyncResult<T>(message.headers.id, { backend });
    }

    before(async () => {
      if (broker === "amqp") {
        amqpPub = await RawAmqpPublisher.connect(AMQP_URL);
        await amqpPub.declareCeleryQueue(queue);
        transport = await createAmqpTransport({ url: AMQP_URL });
      } else {
        redisPub = new RawRedisPublisher(brokerUrl);
        transport = await createRedisTransport(brokerUrl);
      }
      backend = createRpcResultBackend(transport, { replyTo: `t-res-${process.pid}-oid-${broker}` });
      worker = await PythonWorker.start({
        brokerUrl,
        resultBackend: "rpc://",
        queue,
        pool: "prefork",
        concurrency: 2,
        extraEnv: { CONFORMANCE_TRACK_STARTED: "1" },
      });
    });

    after(async () => {
      await worker?.stop();
      await backend?.close();
      if (transport !== undefined) {
        await transport.deleteQueue(backend.replyTo).catch(() => {});
        await transport.close();
      }
      if (amqpPub !== undefined) {
        await amqpPub.channel.deleteQueue(queue);
        await amqpPub.channel.deleteExchange(queue);
        await amqpPub.close();
      }
      if (redisPub !== undefined) {
        await redisPub.redis.del(queue, `_kombu.binding.${queue}`, `_kombu.binding_permanent.${queue}`);
        await redisPub.close();
      }
    });

    it("success: every state arrives (STARTED, SUCCESS) and get() resolves with the value", async () => {
      const seen: string[] = [];
      const r = await send<number>({ task: "conformance.add", args: [2, 2] });
      assert.equal(await r.get({ timeoutMs: 15_000, onMessage: (m) => seen.push(m.status) }), 4);
      assert.deepEqual(dedupe(seen), ["STARTED", "SUCCESS"]);
      assert.equal(await r.state(), "SUCCESS");
    });

    it("failure: ValueError('boom') rejects with RemoteTaskError carrying the traceback", async () => {
      const r = await send({ task: "conformance.fail", args: ["boom"] });
      await assert.rejects(r.get({ timeoutMs: 15_000 }), (e: unknown) => {
        assert.ok(RemoteTaskError.is(e));
        assert.equal(e.name, "ValueError");
        assert.equal(e.excModule, "builtins");
        assert.equal(e.message, "boom");
        assert.equal(e.taskId, r.id);
        assert.match(e.traceback ?? "", /^Traceback \(most recent call last\):/);
        return true;
      });
      assert.equal(await r.failed(), true);
    });

    it("retry_once: STARTED, RETRY, STARTED, SUCCESS are all seen; the latest state wins", async () => {
      const seen: string[] = [];
      const r = await send<string>({ task: "conformance.retry_once" });
      assert.equal(await r.get({ timeoutMs: 15_000, onMessage: (m) => seen.push(m.status) }), "retried");
      assert.deepEqual(dedupe(seen), ["STARTED", "RETRY", "STARTED", "SUCCESS"]);
      assert.equal(await r.state(), "SUCCESS");
    });

    it("replies for several tasks in flight are correlated by correlation_id", async () => {
      const rs = await Promise.all([1, 2, 3, 4].map((n) => send<number>({ task: "conformance.mul", args: [n, 10] })));
      assert.deepEqual(await Promise.all(rs.map((r) => r.get({ timeoutMs: 15_000 }))), [10, 20, 30, 40]);
    });

    if (broker === "amqp") {
      it("the reply queue is declared exactly as Celery 5.7's RPCBackend declares it (5.3's durable=False differs)", async () => {
        await backend.onTaskCall("declare-first");
        // Re-declaring an existing queue with other flags or arguments fails with PRECONDITION_FAILED.
        assert.equal(declareLikePython(".venv", backend.replyTo), "declared");
        assert.match(declareLikePython(".venv-5.3", backend.replyTo), /PRECONDITION_FAILED.*durable/);
      });
    }

    it("group save is refused as Celery's rpc backend does; a wait times out with Timeout", async () => {
      await assert.rejects(GroupResult.of("g", ["a"], { backend }).save(), /chords\/groups save not supported by the RPC backend/);
      await assert.rejects(new AsyncResult("never-sent", { backend }).get({ timeoutMs: 100 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    });
  });
}
