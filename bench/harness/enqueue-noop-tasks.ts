// The shipped build, not the sources: benchmarks measure what users run.
import { createClient } from "../../dist/sdk/index.js";

const IN_FLIGHT = 1000;

/**
 * Fills `queue` with `count` Celery protocol 2 messages for `conformance.noop` (ignore_result), as any Celery producer
 * would: every Celery-protocol contender (Python, celery-node, `proto worker`, the raw floors) drains the same bytes.
 */
export async function enqueueNoopTasks(broker: string, queue: string, count: number): Promise<void> {
  const client = await createClient({ broker, backend: null, defaultQueue: queue });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++;
      await client.enqueue("conformance.noop", [], {}, { ignoreResult: true });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, lane));
  await client.close();
}
