import { BROKERS } from "../../conformance/harness/broker-urls.js";
import { PROTO_BIN, TASK_MODULE } from "../harness/bench-paths.js";
import type { Contender } from "../harness/contender.js";
import { drainSample } from "../harness/drain-sample.js";
import { enqueueNoopTasks } from "../harness/enqueue-noop-tasks.js";

export const PROTO_CONCURRENCIES: readonly number[] = [8, 100];

export function protoWorkerName(concurrency: number): string {
  return `proto worker -c${concurrency}`;
}

/** `proto worker` from the shipped bin (its shebang's node flags included), async pool, at INFO like the Python worker. */
export function protoDrainContenders(): Contender[] {
  return BROKERS.flatMap((broker) =>
    PROTO_CONCURRENCIES.map(
      (concurrency): Contender => ({
        scenario: "drain",
        name: protoWorkerName(concurrency),
        broker,
        run: ({ count }) =>
          drainSample(
            broker,
            "proto",
            (url, queue) => enqueueNoopTasks(url, queue, count),
            (url, queue) => ({
              command: PROTO_BIN,
              args: [
                "worker",
                "-A",
                TASK_MODULE,
                "-Q",
                queue,
                "-c",
                String(concurrency),
                "-l",
                "INFO",
                "-n",
                `${queue}@%h`,
                "--broker",
                url,
                "--without-mingle",
                "--without-heartbeat",
              ],
              env: { CELERY_RESULT_BACKEND: "" },
              count,
              completion: "succeeded",
            }),
          ),
      }),
    ),
  );
}
