// LPUSH publish rate of the Redis transport: node --import tsx conformance/harness/redis-publish-bench.ts [count] [db]
// Publishes `count` task messages (encoded up front, as a producer would hand them over) to a private queue on the
// shared Redis (default db 14), once awaiting each publish and once with up to 1000 in flight, then deletes the queue.
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { OutgoingMessage } from "../../sdk/src/transport/transport.js";
import { redisDbUrl } from "./broker-urls.js";

const count = Number(process.argv[2] ?? 20_000);
const db = Number(process.argv[3] ?? 14);
const queue = `t-redis-${process.pid}-bench`;
const transport = await createRedisTransport(redisDbUrl(db));
const messages: OutgoingMessage[] = Array.from({ length: count }, (_, i) =>
  encodeAmqpPublish(createTaskMessage({ task: "conformance.add", args: [i, i], priority: i % 10 }), { routingKey: queue }),
);

async function run(label: string, window: number): Promise<void> {
  await transport.purge(queue);
  const start = performance.now();
  for (let i = 0; i < count; i += window) await Promise.all(messages.slice(i, i + window).map((m) => transport.publish(m)));
  const seconds = (performance.now() - start) / 1000;
  const stored = await transport.purge(queue);
  console.log(`${label}: ${count} publishes in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} msg/s (${stored} stored)`);
}

await run("sequential (await each)", 1);
await run("pipelined (1000 in flight)", 1000);
await transport.deleteQueue(queue);
await transport.close();
