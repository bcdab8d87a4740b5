// A Redis envelope whose `properties.delivery_tag` is "" (the fuzzer's stall at `bench/fuzz.sh 300 1`): kombu records
// it in `unacked` under the key "" like any other tag and removes it on ack (kombu/transport/redis.py `QoS.append`,
// `_remove_from_indices`), so a real Celery worker leaves nothing behind, whether it runs the task or drops it as
// unregistered. Our POP_MANY returned "" for "not recorded", so an envelope tagged "" that the consumer then dropped
// stayed in `unacked` forever. After a sentinel task, `unacked`, `unacked_index` and the queue must be empty.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RedisResultReader } from "../harness/result-reader.js";

const URL = redisDbUrl(17);

/** A task envelope for `queue` with `properties.delivery_tag` "" and, optionally, other headers. */
function emptyTagEnvelope(queue: string, task: string, headers?: unknown): string {
  const message = createTaskMessage({ task, id: crypto.randomUUID(), args: [2, 3] });
  const envelope = JSON.parse(encodeRedisEnvelope(message, { exchange: "", routingKey: queue }));
  envelope.properties.delivery_tag = "";
  if (headers !== undefined) envelope.headers = headers;
  return JSON.stringify(envelope);
}

interface Started {
  readonly log: () => string;
  readonly stop: () => Promise<void>;
  /** Envelopes tagged "" only this worker gets. */
  readonly extra: (queue: string) => string[];
}

const WORKERS: Readonly<Record<string, (queue: string) => Promise<Started>>> = {
  "Python Celery 5.7 (solo)": async (queue) => {
    const worker = await PythonWorker.start({ brokerUrl: URL, resultBackend: URL, queue, pool: "solo" });
    return { log: () => worker.log, stop: () => worker.stop(), extra: () => [] };
  },
  "proto worker (built)": async (queue) => {
    const worker = await ProtoWorkerProcess.startBuilt(
      [
        ...["-A", "conformance/fuzz/fuzz-tasks.ts", "-b", URL, "--backend", URL, "-Q", queue, "-c", "4", "-l", "info"],
        ...["--without-mingle", "--without-heartbeat", "--without-gossip"],
      ],
      { CELERY_PROTO_CONFIG: "" },
    );
    return {
      log: () => worker.log,
      stop: () => worker.stop(),
      // The fuzzer's case: headers that are not a mapping, which the consumer drops after POP_MANY recorded it. Not
      // sent to Celery 5.7: its worker dies on it (kombu/message.py `Message.__init__`: `self.headers.get(...)`).
      extra: (q) => [emptyTagEnvelope(q, "conformance.add", 2147483648)],
    };
  },
};

describe('a delivery tag "" is recorded in unacked and removed like any other (Redis, db 17)', { timeout: 120_000 }, () => {
  let raw: Redis;
  let results: RedisResultReader;

  before(async () => {
    ensureBuilt();
    raw = new Redis(URL, { maxRetriesPerRequest: 2 });
    results = new RedisResultReader(URL);
  });
  after(async () => {
    await results?.close();
    raw?.disconnect();
  });

  for (const [name, start] of Object.entries(WORKERS)) {
    it(`${name}: a task, an unregistered task and a dropped envelope tagged "" leave nothing in unacked`, async () => {
      await raw.flushdb();
      const queue = `t-empty-tag-${process.pid}`;
      const worker = await start(queue);
      /** `id` succeeded, then the acks of everything before it reach Redis: `unacked` and the queue end up empty. */
      const expectDrained = async (id: string): Promise<void> => {
        const meta = await results.waitFor(id, 30_000).catch((e: unknown) => assert.fail(`${(e as Error).message}; log:\n${worker.log().slice(-3000)}`));
        assert.equal(meta.status, "SUCCESS");
        const deadline = Date.now() + 5_000;
        while ((await raw.hlen("unacked")) + (await raw.zcard("unacked_index")) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(await raw.hgetall("unacked"), {}, `unacked after task ${id}; log:\n${worker.log().slice(-3000)}`);
        assert.equal(await raw.zcard("unacked_index"), 0);
        assert.equal(await raw.llen(queue), 0);
      };
      try {
        const ran = emptyTagEnvelope(queue, "conformance.add");
        const sentinel = createTaskMessage({ task: "conformance.add", args: [1, 2] });
        // Two rounds, so a later ack of "" cannot hide an earlier one that was never removed.
        await raw.lpush(queue, emptyTagEnvelope(queue, "conformance.not_registered"), ran);
        await expectDrained(JSON.parse(ran).headers.id);
        for (const envelope of worker.extra(queue)) await raw.lpush(queue, envelope);
        await raw.lpush(queue, encodeRedisEnvelope(sentinel, { exchange: "", routingKey: queue }));
        await expectDrained(sentinel.headers.id);
        assert.match(worker.log(), /Received unregistered task of type '?conformance\.not_registered/);
      } finally {
        await worker.stop();
      }
    });
  }
});
