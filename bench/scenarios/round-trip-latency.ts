import { BROKERS, type BrokerKind } from "../../conformance/harness/broker-urls.js";
import { BENCH_REDIS_URL, brokerUrl, freshQueue, resetBroker } from "../harness/bench-brokers.js";
import { CELERY, nodeScript, PROTO_BIN, PYTHON, pythonAppEnv, ROOT } from "../harness/bench-paths.js";
import { celeryWorkerArgs, protoWorkerArgs } from "../harness/worker-args.js";
import { withBackgroundWorker } from "../harness/background-worker.js";
import type { Contender, Sample } from "../harness/contender.js";
import { runJsonChild } from "../harness/run-json-child.js";
import { percentile } from "../harness/sample-statistics.js";

export const OURS_ROUND_TRIP = "ours→ours (proto worker -c8)";

/** Python's worker configurations for the round trip; the table reports the one with the lower p99 as "Python best". */
export const PYTHON_LATENCY_POOLS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: "python→python solo", args: ["-P", "solo"] },
  { name: "python→python prefork -c2", args: ["-P", "prefork", "-c", "2"] },
];

/**
 * `calls` sequential add(1, 1) round trips through the broker and the Redis result backend: our client against
 * `proto worker -c 8`, and Python's client against Python's worker. Workers log at WARNING: nothing per task.
 */
export function roundTripContenders(): Contender[] {
  return BROKERS.flatMap((broker): Contender[] => [
    {
      scenario: "latency",
      name: OURS_ROUND_TRIP,
      broker,
      run: ({ calls }) =>
        latencySample(broker, (url, queue) =>
          withBackgroundWorker(PROTO_BIN, protoWorkerArgs({ queue, concurrency: 8, loglevel: "WARNING", broker: url, backend: BENCH_REDIS_URL }), {}, () =>
            runJsonChild(process.execPath, nodeScript("bench/clients/proto-round-trip.ts", url, BENCH_REDIS_URL, queue, calls), ROOT),
          ),
        ),
    },
    ...PYTHON_LATENCY_POOLS.map(
      (pool): Contender => ({
        scenario: "latency",
        name: pool.name,
        broker,
        run: ({ calls }) =>
          latencySample(broker, (url, queue) =>
            withBackgroundWorker(CELERY, celeryWorkerArgs(pool.args, queue, "WARNING"), pythonAppEnv(url, queue, BENCH_REDIS_URL), () =>
              runJsonChild(PYTHON, ["bench/python/round_trip.py", url, BENCH_REDIS_URL, queue, String(calls)], ROOT),
            ),
          ),
      }),
    ),
  ]);
}

async function latencySample(broker: BrokerKind, measure: (url: string, queue: string) => Promise<{ latenciesMs: number[] }>): Promise<Sample> {
  const queue = freshQueue("rtt");
  try {
    const { latenciesMs } = await measure(brokerUrl(broker), queue);
    return { metrics: { p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) }, detail: { latenciesMs } };
  } finally {
    await resetBroker(broker, queue);
  }
}
