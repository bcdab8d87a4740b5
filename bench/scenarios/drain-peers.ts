import { BROKERS } from "../../conformance/harness/broker-urls.js";
import { BENCH_REDIS_URL } from "../harness/bench-brokers.js";
import { nodeScript, ROOT } from "../harness/bench-paths.js";
import type { Contender } from "../harness/contender.js";
import { drainSample } from "../harness/drain-sample.js";
import { enqueueNoopTasks } from "../harness/enqueue-noop-tasks.js";
import { runJsonChild } from "../harness/run-json-child.js";

export const BULLMQ_CONCURRENCY = 50;
export const BULLMQ_DRAIN = `bullmq -c${BULLMQ_CONCURRENCY}`;

/** The reference peers (bench/package.json): celery-node on the same Celery messages, BullMQ on its own jobs. */
export function peerDrainContenders(): Contender[] {
  const celeryNode = BROKERS.map(
    (broker): Contender => ({
      scenario: "drain",
      name: "celery-node 0.5.9",
      broker,
      run: ({ count }) =>
        drainSample(
          broker,
          "celery-node",
          (url, queue) => enqueueNoopTasks(url, queue, count),
          (url, queue) => ({
            command: process.execPath,
            args: nodeScript("bench/peers/celery-node-worker.ts", url, queue, BENCH_REDIS_URL),
            count,
            completion: "succeeded",
          }),
        ),
    }),
  );
  const bullmq: Contender = {
    scenario: "drain",
    name: BULLMQ_DRAIN,
    broker: "redis",
    run: ({ count }) =>
      drainSample(
        "redis",
        "bullmq",
        (url, queue) => runJsonChild(process.execPath, nodeScript("bench/peers/bullmq-add-bulk.ts", url, queue, count), ROOT),
        (url, queue) => ({
          command: process.execPath,
          args: nodeScript("bench/peers/bullmq-worker.ts", url, queue, count, BULLMQ_CONCURRENCY),
          count,
          completion: "done",
        }),
      ),
  };
  return [...celeryNode, bullmq];
}
