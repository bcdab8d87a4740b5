import { BROKERS } from "../../conformance/harness/broker-urls.js";
import { BENCH_REDIS_URL } from "../harness/bench-brokers.js";
import { CELERY, pythonAppEnv } from "../harness/bench-paths.js";
import type { Contender } from "../harness/contender.js";
import { drainSample } from "../harness/drain-sample.js";
import { celeryWorkerArgs } from "../harness/worker-args.js";
import { enqueueNoopTasks } from "../harness/enqueue-noop-tasks.js";

/** The Python Celery worker configurations measured; the table reports the best of them per broker as "Python best". */
export const PYTHON_POOLS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: "python solo", args: ["-P", "solo"] },
  { name: "python prefork -c2", args: ["-P", "prefork", "-c", "2"] },
  { name: "python prefork -c8", args: ["-P", "prefork", "-c", "8"] },
  { name: "python threads -c8", args: ["-P", "threads", "-c", "8"] },
];

/** `celery worker` at INFO (its "succeeded" lines are the completion signal), without mingle, gossip or heartbeat. */
export function pythonDrainContenders(): Contender[] {
  return BROKERS.flatMap((broker) =>
    PYTHON_POOLS.map(
      (pool): Contender => ({
        scenario: "drain",
        name: pool.name,
        broker,
        run: ({ count }) =>
          drainSample(
            broker,
            "py",
            (url, queue) => enqueueNoopTasks(url, queue, count),
            (url, queue) => ({
              command: CELERY,
              args: celeryWorkerArgs(pool.args, queue, "INFO"),
              env: pythonAppEnv(url, queue, BENCH_REDIS_URL),
              count,
              completion: "succeeded",
            }),
          ),
      }),
    ),
  );
}
