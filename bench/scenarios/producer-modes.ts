import type { BrokerKind } from "../../conformance/harness/broker-urls.js";
import { brokerUrl, freshQueue, resetBroker } from "../harness/bench-brokers.js";
import { nodeScript, PYTHON, ROOT } from "../harness/bench-paths.js";
import type { Contender, RunSettings } from "../harness/contender.js";
import { runJsonChild } from "../harness/run-json-child.js";

type Command = (url: string, queue: string, settings: RunSettings) => readonly [string, readonly string[]];

const proto =
  (inFlight: number, confirms: boolean): Command =>
  (url, queue, { count }) => [process.execPath, nodeScript("bench/clients/proto-enqueue.ts", url, queue, count, inFlight, confirms ? 1 : 0)];
const python: Command = (url, queue, { count }) => [PYTHON, ["bench/python/apply_async_rate.py", url, queue, String(count)]];
const bullmqAddBulk: Command = (url, queue, { count }) => [process.execPath, nodeScript("bench/peers/bullmq-add-bulk.ts", url, queue, count)];
const amqplibConfirmed =
  (inFlight: number): Command =>
  (url, queue, { count }) => [process.execPath, nodeScript("bench/floors/amqplib-confirmed-publish.ts", url, queue, count, inFlight)];

export const OURS_SEQUENTIAL = "ours sequential";
export const PYTHON_SEQUENTIAL = "python apply_async sequential";
export const OURS_IN_FLIGHT = "ours 1,000 in flight";
export const BULLMQ_ADD_BULK = "bullmq addBulk (1,000 per call)";
export const AMQPLIB_CONFIRMED = "raw amqplib confirmed, 1,000 in flight";
export const OURS_CONCURRENT_CALLERS = "ours 10 concurrent sequential callers";
export const AMQPLIB_CONFIRMED_10 = "raw amqplib confirmed, 10 in flight";

const MODES: readonly { readonly name: string; readonly broker: BrokerKind; readonly command: Command }[] = [
  { name: OURS_SEQUENTIAL, broker: "redis", command: proto(1, true) },
  { name: PYTHON_SEQUENTIAL, broker: "redis", command: python },
  { name: OURS_CONCURRENT_CALLERS, broker: "redis", command: proto(10, true) },
  { name: OURS_IN_FLIGHT, broker: "redis", command: proto(1000, true) },
  { name: BULLMQ_ADD_BULK, broker: "redis", command: bullmqAddBulk },
  { name: OURS_SEQUENTIAL, broker: "amqp", command: proto(1, true) },
  { name: "ours sequential, confirms off", broker: "amqp", command: proto(1, false) },
  { name: PYTHON_SEQUENTIAL, broker: "amqp", command: python },
  { name: "raw amqplib confirmed, sequential", broker: "amqp", command: amqplibConfirmed(1) },
  { name: OURS_CONCURRENT_CALLERS, broker: "amqp", command: proto(10, true) },
  { name: AMQPLIB_CONFIRMED_10, broker: "amqp", command: amqplibConfirmed(10) },
  { name: OURS_IN_FLIGHT, broker: "amqp", command: proto(1000, true) },
  { name: "ours 1,000 in flight, confirms off", broker: "amqp", command: proto(1000, false) },
  { name: AMQPLIB_CONFIRMED, broker: "amqp", command: amqplibConfirmed(1000) },
];

/**
 * `count` enqueues into an empty queue by each producer, in a fresh process after one warm-up publish. Ours waits for
 * publisher confirms on RabbitMQ unless the row says otherwise; Python Celery does not (its default).
 */
export function producerContenders(): Contender[] {
  return MODES.map(
    (mode): Contender => ({
      scenario: "producer",
      name: mode.name,
      broker: mode.broker,
      run: async (settings) => {
        const queue = freshQueue("producer");
        try {
          const [command, args] = mode.command(brokerUrl(mode.broker), queue, settings);
          const { seconds } = await runJsonChild<{ seconds: number }>(command, args, ROOT);
          return { metrics: { rate: settings.count / seconds, seconds } };
        } finally {
          await resetBroker(mode.broker, queue);
        }
      },
    }),
  );
}
