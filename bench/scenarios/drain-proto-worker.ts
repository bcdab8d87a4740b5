import { BROKERS } from "../../conformance/harness/broker-urls.js";
import { PROTO_BIN } from "../harness/bench-paths.js";
import { protoWorkerArgs } from "../harness/worker-args.js";
import type { Contender } from "../harness/contender.js";
import { drainSample } from "../harness/drain-sample.js";
import type { DrainProcess } from "../harness/watch-drain.js";
import { enqueueNoopTasks } from "../harness/enqueue-noop-tasks.js";
import { enqueueWithMalformed, VALID_PER_MALFORMED } from "../harness/enqueue-with-malformed.js";

// 50 is the default of the async pool (`-c`), chosen from these drains; 8 was the default before, 100 the largest.
export const PROTO_CONCURRENCIES: readonly number[] = [8, 50, 100];

export function protoWorkerName(concurrency: number): string {
  return `proto worker -c${concurrency}`;
}

/** The default -c50 shared out between two consumer processes under one node name (`--consumer-processes 2`). */
export const PROTO_CONSUMER_PROCESSES = "proto worker -c50 --consumer-processes 2";

/** The -c8 drain with one malformed message per 20 valid ones: what rejecting them costs (only valid ones count). */
export const PROTO_WITH_MALFORMED = `proto worker -c8, 1 malformed per ${VALID_PER_MALFORMED}`;

/** `proto worker` from the shipped bin (its shebang's node flags included), async pool, at INFO like the Python worker. */
export function protoDrainContenders(): Contender[] {
  return BROKERS.flatMap((broker): Contender[] => [
    ...PROTO_CONCURRENCIES.map(
      (concurrency): Contender => ({
        scenario: "drain",
        name: protoWorkerName(concurrency),
        broker,
        run: ({ count }) => drainSample(broker, "proto", (url, queue) => enqueueNoopTasks(url, queue, count), protoWorker(concurrency, count)),
      }),
    ),
    {
      scenario: "drain",
      name: PROTO_CONSUMER_PROCESSES,
      broker,
      run: ({ count }) =>
        drainSample(broker, "proto", (url, queue) => enqueueNoopTasks(url, queue, count), protoWorker(50, count, ["--consumer-processes", "2"])),
    },
    {
      scenario: "drain",
      name: PROTO_WITH_MALFORMED,
      broker,
      run: ({ count }) => drainSample(broker, "malformed", (url, queue) => enqueueWithMalformed(url, queue, count), protoWorker(8, count)),
    },
  ]);
}

function protoWorker(concurrency: number, count: number, extraArgs: readonly string[] = []): (url: string, queue: string) => DrainProcess {
  return (url, queue) => ({
    command: PROTO_BIN,
    args: [...protoWorkerArgs({ queue, concurrency, loglevel: "INFO", broker: url }), ...extraArgs],
    env: { CELERY_RESULT_BACKEND: "" },
    count,
    completion: "succeeded",
  });
}
