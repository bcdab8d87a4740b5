// The main job, end to end on real parts: the TS codec encodes tasks, a plain Redis client enqueues them, a real
// Python Celery worker runs them, and the results are read back and decoded in TypeScript.
import { randomUUID } from "node:crypto";
import { createTaskMessage } from "../sdk/src/codec/task/create-task-message.js";
import { encodeRedisEnvelope } from "../sdk/src/codec/redis/encode-redis-envelope.js";
import { exceptionInfoToError } from "../sdk/src/codec/exceptions/remote-task-error.js";
import type { ExceptionInfo } from "../sdk/src/codec/exceptions/exception-info.js";
import { PyDecimal } from "../sdk/src/codec/json/python-values.js";
import { redisDbUrl } from "../conformance/harness/broker-urls.js";
import { PythonWorker } from "../conformance/harness/python-worker.js";
import { RawRedisPublisher } from "../conformance/harness/raw-publisher.js";
import { RedisResultReader } from "../conformance/harness/result-reader.js";

const queue = `demo-${randomUUID().slice(0, 8)}`;
const brokerUrl = redisDbUrl(8);
const backendUrl = redisDbUrl(9);

const worker = await PythonWorker.start({ brokerUrl, resultBackend: backendUrl, queue, pool: "prefork", concurrency: 2 });
const publisher = new RawRedisPublisher(brokerUrl);
const results = new RedisResultReader(backendUrl);
try {
  const calls = [
    createTaskMessage({ task: "conformance.add", args: [2, 3] }),
    createTaskMessage({ task: "conformance.echo", args: [new Date("2025-01-31T12:00:00Z"), new PyDecimal("9.99")], kwargs: { note: "rich types" } }),
    createTaskMessage({ task: "conformance.mul", args: [6, 7], countdown: 1 }),
    createTaskMessage({ task: "conformance.fail", args: ["boom from Python"] }),
  ];
  for (const message of calls) {
    await publisher.lpush(queue, encodeRedisEnvelope(message, { routingKey: queue }));
    console.log(`enqueued ${message.headers.task}${message.headers.argsrepr} as ${message.headers.id}`);
  }
  for (const message of calls) {
    const meta = await results.waitFor(message.headers.id, 30_000);
    if (meta.status === "SUCCESS") {
      console.log(`${message.headers.task} -> SUCCESS ${JSON.stringify(meta.result)}`);
    } else {
      const error = exceptionInfoToError(meta.result as unknown as ExceptionInfo, meta.traceback ?? null);
      console.log(`${message.headers.task} -> ${meta.status} ${error.excModule}.${error.excType}: ${error.message}`);
    }
  }
} finally {
  await publisher.close();
  await results.close();
  await worker.stop();
}
