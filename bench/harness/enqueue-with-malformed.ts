import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { RawAmqpPublisher } from "../../conformance/harness/raw-publisher.js";
import { rawRedisEnvelope } from "../../conformance/harness/raw-redis-envelope.js";
// The shipped build, not the sources: benchmarks measure what users run.
import { createClient } from "../../dist/sdk/index.js";

/** One malformed message after every this many valid ones (1,000 in a drain of 20,000). */
export const VALID_PER_MALFORMED = 20;

/**
 * Fills `queue` with `count` valid no-op tasks and, after every 20 of them, one message a worker must reject without
 * running anything: an undecodable JSON body, a pickle body, or a message without an id, in turn.
 */
export async function enqueueWithMalformed(broker: string, queue: string, count: number): Promise<void> {
  const client = await createClient({ broker, backend: null, defaultQueue: queue });
  const redis = broker.startsWith("redis") ? new Redis(broker) : null;
  const amqp = redis === null ? await RawAmqpPublisher.connect(broker) : null;
  await amqp?.declareCeleryQueue(queue);
  for (let sent = 0, bad = 0; sent < count; bad++) {
    const n = Math.min(VALID_PER_MALFORMED, count - sent);
    await Promise.all(Array.from({ length: n }, () => client.enqueue("conformance.noop", [], {}, { ignoreResult: true })));
    sent += n;
    const m = malformed(bad);
    if (redis !== null) await redis.lpush(queue, rawRedisEnvelope(queue, { ...m, encoding: "utf-8" }));
    else
      await amqp?.publish({
        exchange: "",
        routingKey: queue,
        body: Buffer.from(m.body, "latin1"),
        properties: { content_type: m.type, content_encoding: "utf-8", delivery_mode: 2, headers: m.headers },
      });
  }
  redis?.disconnect();
  await amqp?.close();
  await client.close();
}

function malformed(i: number): { headers: Record<string, unknown>; body: string; type: string } {
  const id = randomUUID();
  if (i % 3 === 0) return { headers: { id, task: "conformance.noop", lang: "py" }, body: "[[], {}, {", type: "application/json" };
  if (i % 3 === 1) return { headers: { id, task: "conformance.noop", lang: "py" }, body: "\u0080\u0004K\u0005.", type: "application/x-python-serialize" };
  return { headers: { task: "conformance.noop", lang: "py" }, body: "[[], {}, {}]", type: "application/json" };
}
