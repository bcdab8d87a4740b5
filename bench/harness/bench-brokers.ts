import amqplib from "amqplib";
import { Redis } from "ioredis";
import { AMQP_URL, type BrokerKind, redisDbUrl } from "../../conformance/harness/broker-urls.js";

/** The Redis database every scenario uses (broker, results and BullMQ's keys); flushed around each sample. */
export const BENCH_REDIS_URL = redisDbUrl(28);

export function brokerUrl(broker: BrokerKind): string {
  return broker === "redis" ? BENCH_REDIS_URL : AMQP_URL;
}

let sequence = 0;

/** A queue name no earlier sample used, so nothing left over can be counted twice. */
export function freshQueue(label: string): string {
  return `bench-${process.pid}-${++sequence}-${label}`;
}

/** Leaves the broker as a sample found it: the bench Redis database flushed, or the queue and its exchange deleted. */
export async function resetBroker(broker: BrokerKind, queue: string): Promise<void> {
  if (broker === "redis") {
    const redis = new Redis(BENCH_REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    return;
  }
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteExchange(queue);
  await connection.close();
}
