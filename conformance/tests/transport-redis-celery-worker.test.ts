// (7) A real Celery 5.7 worker executes tasks published through our Redis transport, in kombu's priority order,
// acknowledging them through kombu's unacked bookkeeping. Shared Redis, db 15 only (broker and results).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { RedisTransport } from "../../sdk/src/transport/redis/redis-transport.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RedisResultReader } from "../harness/result-reader.js";

const DB = 15;
const URL = redisDbUrl(DB);
const QUEUE = `t-redis-${process.pid}-worker`;

describe("Redis transport → real Celery worker (db 15)", { timeout: 90_000 }, () => {
  let raw: Redis;
  let t: RedisTransport;
  let results: RedisResultReader;
  let worker: PythonWorker | undefined;

  before(async () => {
    raw = new Redis(URL, { maxRetriesPerRequest: 2 });
    await raw.flushdb();
    t = await createRedisTransport(URL);
    results = new RedisResultReader(URL);
  });

  after(async () => {
    await worker?.stop();
    await results?.close();
    await t?.close();
    await raw?.quit();
  });

  it("executes every task, in kombu's priority order (0–2, 3–5, 6–8, 9; FIFO within a step), and acks each", async () => {
    // The binding Celery itself declares for its default queue (kombu: Queue(q, Exchange(q), routing_key=q)).
    await t.declareQueue({ name: QUEUE });
    const priorities = [9, 0, 5, 3, 7, 1, 9, 6, 2, 4, 8, 0];
    const ids: string[] = [];
    for (const [i, priority] of priorities.entries()) {
      const message = createTaskMessage({ task: i % 2 === 0 ? "conformance.echo" : "conformance.echo_request", args: [i], priority });
      ids.push(message.headers.id);
      // half through the direct exchange (SMEMBERS + LPUSH), half through the default exchange (LPUSH)
      await t.publish(encodeAmqpPublish(message, i % 3 === 0 ? { routingKey: QUEUE } : { exchange: QUEUE, routingKey: QUEUE }));
    }
    worker = await PythonWorker.start({
      brokerUrl: URL,
      resultBackend: URL,
      queue: QUEUE,
      pool: "solo",
      extraEnv: { CONFORMANCE_PRIORITY_QUEUE: `${QUEUE}-unused` },
    });
    const metas = await Promise.all(ids.map((id) => results.waitFor(id, 30_000)));
    assert.deepEqual(
      metas.map((m) => m.status),
      ids.map(() => "SUCCESS"),
    );

    const received = [...worker.log.matchAll(/Task conformance\.echo(?:_request)?\[([0-9a-f-]+)\] received/g)].map((m) => ids.indexOf(m[1] as string));
    const step = (p: number): number => (p >= 9 ? 9 : p >= 6 ? 6 : p >= 3 ? 3 : 0);
    const expected = priorities
      .map((p, i) => ({ i, s: step(p) }))
      .sort((a, b) => a.s - b.s || a.i - b.i)
      .map((x) => x.i);
    assert.deepEqual(received, expected);

    // Celery saw our priority in delivery_info and acked through kombu's QoS: nothing is left unacked or queued.
    const request = (metas[1]?.result as { request: { delivery_info: { priority: number; routing_key: string } } }).request;
    assert.equal(request.delivery_info.priority, 0);
    assert.equal(request.delivery_info.routing_key, QUEUE);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await raw.hlen("unacked"), 0);
    assert.equal(await raw.zcard("unacked_index"), 0);
    assert.equal(await t.purge(QUEUE), 0);
  });
});
