// Our encoder's bytes, published with plain clients (raw LPUSH / basic.publish), executed by a real Python Celery worker.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import type { EncodeOptions } from "../../sdk/src/codec/task/serialize-task-body.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { PyDecimal, PyUuid, pyFloat } from "../../sdk/src/codec/json/python-values.js";
import { exceptionInfoToError } from "../../sdk/src/codec/exceptions/remote-task-error.js";
import type { ExceptionInfo } from "../../sdk/src/codec/exceptions/exception-info.js";
import type { Signature } from "../../sdk/src/gen/json-schema/types.js";
import { AMQP_URL, BROKERS, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { RedisResultReader } from "../harness/result-reader.js";

const BROKER_DB: Record<BrokerKind, number> = { redis: 4, amqp: 0 };
const RESULT_DB: Record<BrokerKind, number> = { redis: 5, amqp: 6 };

function signature(task: string, args: unknown[], taskId: string): Signature {
  return { task, args, kwargs: {}, options: { task_id: taskId }, subtask_type: null, immutable: false } as Signature;
}

interface EchoRequest {
  args: unknown[];
  kwargs: Record<string, unknown>;
  request: Record<string, unknown>;
  utc_now: string;
}

for (const broker of BROKERS) {
  describe(`TS encoder → Python Celery worker over ${broker}`, { timeout: 180_000 }, () => {
    const queue = `cp-enc-${process.pid}-${broker}`;
    let worker: PythonWorker;
    let results: RedisResultReader;
    let redisPub: RawRedisPublisher | undefined;
    let amqpPub: RawAmqpPublisher | undefined;

    before(async () => {
      const brokerUrl = broker === "redis" ? redisDbUrl(BROKER_DB.redis) : AMQP_URL;
      results = new RedisResultReader(redisDbUrl(RESULT_DB[broker]));
      if (broker === "redis") {
        redisPub = new RawRedisPublisher(brokerUrl);
        await redisPub.redis.flushdb();
      } else {
        amqpPub = await RawAmqpPublisher.connect(AMQP_URL);
        await amqpPub.declareCeleryQueue(queue);
        await amqpPub.channel.purgeQueue(queue);
      }
      await results.redis.flushdb();
      // prefork, because only the prefork pool enforces time limits.
      worker = await PythonWorker.start({ brokerUrl, resultBackend: redisDbUrl(RESULT_DB[broker]), queue, pool: "prefork", concurrency: 2 });
    });

    after(async () => {
      await worker?.stop();
      await results?.close();
      await redisPub?.close();
      if (amqpPub) {
        await amqpPub.channel.deleteQueue(queue);
        await amqpPub.channel.deleteExchange(queue);
        await amqpPub.close();
      }
    });

    async function send(input: TaskMessageInput, options: EncodeOptions = {}): Promise<string> {
      const message = createTaskMessage(input);
      if (broker === "redis") await redisPub!.lpush(queue, encodeRedisEnvelope(message, { routingKey: queue }, options));
      else await amqpPub!.publish(encodeAmqpPublish(message, { routingKey: queue }, options));
      return message.headers.id;
    }

    it("simple args: add(2, 3) = 5", async () => {
      const id = await send({ task: "conformance.add", args: [2, 3] });
      const meta = await results.waitFor(id);
      assert.equal(meta.status, "SUCCESS");
      assert.equal(meta.result, 5);
    });

    it("kwargs only: add(x=2, y=5) = 7", async () => {
      const id = await send({ task: "conformance.add", kwargs: { x: 2, y: 5 } });
      assert.equal((await results.waitFor(id)).result, 7);
    });

    it("rich argument types arrive as the Python types they stand for", async () => {
      const id = await send({
        task: "conformance.echo_request",
        args: [new Date("2025-01-31T12:00:05.123Z"), new PyDecimal("10.50"), new PyUuid("12345678-1234-5678-1234-567812345678")],
        kwargs: { data: new TextEncoder().encode("bytes!"), big: 2n ** 70n, f: pyFloat(1), nested: { l: [1, [2, { x: null }]] }, s: "caf\u00e9 \u{1F600}" },
      });
      const meta = await results.waitFor(id);
      assert.equal(meta.status, "SUCCESS", JSON.stringify(meta.result));
      const echo = meta.result as unknown as EchoRequest;
      const [when, amount, ref] = echo.args as Array<Record<string, unknown>>;
      assert.equal(when?.["py_type"], "datetime");
      assert.equal(when?.["iso"], "2025-01-31T12:00:05.123000+00:00");
      assert.deepEqual([amount?.["py_type"], amount?.["str"]], ["Decimal", "10.50"]);
      assert.deepEqual([ref?.["py_type"], ref?.["str"]], ["UUID", "12345678-1234-5678-1234-567812345678"]);
      const kw = echo.kwargs as Record<string, Record<string, unknown>>;
      assert.deepEqual([kw["data"]?.["py_type"], kw["data"]?.["utf8"]], ["bytes", "bytes!"]);
      assert.deepEqual([kw["big"]?.["py_type"], kw["big"]?.["str"]], ["int", "1180591620717411303424"]);
      assert.deepEqual([kw["f"]?.["py_type"], kw["f"]?.["repr"]], ["float", "1.0"]);
      assert.deepEqual(echo.kwargs["nested"], { l: [1, [2, { x: null }]] });
      assert.equal(echo.kwargs["s"], "caf\u00e9 \u{1F600}");
    });

    it("countdown: the worker holds the task until the eta we wrote", async () => {
      const sent = Date.now();
      const id = await send({ task: "conformance.echo_request", countdown: 2 });
      const meta = await results.waitFor(id, 30_000);
      const echo = meta.result as unknown as EchoRequest;
      const eta = echo.request["eta"] as string;
      assert.match(eta, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
      assert.ok(Math.abs(Date.parse(eta) - (sent + 2000)) < 1500, `eta ${eta}`);
      assert.ok(Date.parse(echo.utc_now) >= Date.parse(eta), `ran at ${echo.utc_now}, before eta ${eta}`);
    });

    it("expires in the future: runs, and the worker sees our expires", async () => {
      const id = await send({ task: "conformance.echo_request", expires: 60 });
      const echo = (await results.waitFor(id)).result as unknown as EchoRequest;
      assert.match(echo.request["expires"] as string, /\+00:00$/);
    });

    it("expires already passed: the worker revokes it (REVOKED, TaskRevokedError 'expired')", async () => {
      const id = await send({ task: "conformance.add", args: [1, 1], expires: new Date(Date.now() - 60_000) });
      const meta = await results.waitFor(id);
      assert.equal(meta.status, "REVOKED");
      const exc = meta.result as unknown as ExceptionInfo;
      assert.equal(exc.exc_type, "TaskRevokedError");
      assert.deepEqual(exc.exc_message, ["expired"]);
    });

    it("link: the callback gets the parent's result prepended", async () => {
      const callbackId = randomUUID();
      const id = await send({ task: "conformance.add", args: [2, 2], link: signature("conformance.mul", [10], callbackId) });
      assert.equal((await results.waitFor(id)).result, 4);
      assert.equal((await results.waitFor(callbackId)).result, 40);
    });

    it("link_error: the errback receives the failed task id; FAILURE carries ValueError('boom')", async () => {
      const errbackId = randomUUID();
      const id = await send({ task: "conformance.fail", args: ["boom"], linkError: signature("conformance.record_errback", [], errbackId) });
      const meta = await results.waitFor(id);
      assert.equal(meta.status, "FAILURE");
      const error = exceptionInfoToError(meta.result as unknown as ExceptionInfo, meta.traceback ?? null, id);
      assert.deepEqual([error.excType, error.excModule, error.message], ["ValueError", "builtins", "boom"]);
      assert.match(error.traceback ?? "", /^Traceback \(most recent call last\):/);
      const errback = await results.waitFor(errbackId);
      assert.deepEqual(errback.result, [id]);
    });

    it("time limits: [hard, soft] order — the soft limit (1 s) fires inside a 3 s task", async () => {
      const id = await send({ task: "conformance.soft_limited", args: [3], timeLimit: 10, softTimeLimit: 1 });
      const meta = await results.waitFor(id, 30_000);
      assert.equal(meta.status, "SUCCESS");
      assert.equal(meta.result, "soft");
    });

    it("hard time limit kills the task: FAILURE TimeLimitExceeded", async () => {
      const id = await send({ task: "conformance.sleep", args: [5], timeLimit: 1 });
      const meta = await results.waitFor(id, 30_000);
      assert.equal(meta.status, "FAILURE");
      assert.equal((meta.result as unknown as ExceptionInfo).exc_type, "TimeLimitExceeded");
    });

    it("shadow name, custom headers and retries reach self.request", async () => {
      const id = await send({ task: "conformance.echo_request", shadow: "shadowed.name", headers: { "x-custom": "v", n: 1 }, retries: 2 });
      const echo = (await results.waitFor(id)).result as unknown as EchoRequest;
      assert.equal(echo.request["shadow"], "shadowed.name");
      assert.equal(echo.request["retries"], 2);
      const headers = echo.request["headers"] as Record<string, unknown> | null;
      assert.equal(headers?.["x-custom"], "v");
      assert.equal(headers?.["n"], 1);
    });

    it("msgpack with zlib compression", async () => {
      const id = await send({ task: "conformance.add", args: [20, 22] }, { serializer: "msgpack", compression: "gzip" });
      assert.equal((await results.waitFor(id)).result, 42);
    });

    it("yaml", async () => {
      const id = await send({ task: "conformance.echo", args: ["y", 1.5], kwargs: { k: [true, null] } }, { serializer: "yaml" });
      assert.deepEqual((await results.waitFor(id)).result, { args: ["y", 1.5], kwargs: { k: [true, null] } });
    });

    it("ignore_result: nothing is stored", async () => {
      const id = await send({ task: "conformance.add", args: [1, 2], ignoreResult: true });
      const marker = await send({ task: "conformance.add", args: [0, 0] });
      await results.waitFor(marker);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await results.raw(id), null);
    });
  });
}
