import type { BrokerKind } from "../../conformance/harness/broker-urls.js";
import { nodeScript } from "../harness/bench-paths.js";
import type { Contender } from "../harness/contender.js";
import { drainSample } from "../harness/drain-sample.js";
import { enqueueNoopTasks } from "../harness/enqueue-noop-tasks.js";

export const REDIS_FLOOR = "raw floor (POP_MANY + batched acks)";
export const AMQP_FLOOR = "raw floor (amqplib prefetch 100, ack each)";

const FLOORS: readonly { readonly broker: BrokerKind; readonly name: string; readonly script: string }[] = [
  { broker: "redis", name: REDIS_FLOOR, script: "bench/floors/redis-pop-many-drain.ts" },
  { broker: "amqp", name: AMQP_FLOOR, script: "bench/floors/amqplib-drain.ts" },
];

/** What the broker and a Node client allow with no worker at all: the ceiling a worker can approach. */
export function rawFloorDrainContenders(): Contender[] {
  return FLOORS.map(
    (floor): Contender => ({
      scenario: "drain",
      name: floor.name,
      broker: floor.broker,
      run: ({ count }) =>
        drainSample(
          floor.broker,
          "floor",
          (url, queue) => enqueueNoopTasks(url, queue, count),
          (url, queue) => ({ command: process.execPath, args: nodeScript(floor.script, url, queue, count), count, completion: "done" }),
        ),
    }),
  );
}
