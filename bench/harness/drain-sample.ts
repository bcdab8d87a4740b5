import type { BrokerKind } from "../../conformance/harness/broker-urls.js";
import { brokerUrl, freshQueue, resetBroker } from "./bench-brokers.js";
import { ROOT } from "./bench-paths.js";
import type { Sample } from "./contender.js";
import { type DrainProcess, watchDrain } from "./watch-drain.js";

/**
 * One drain sample: a fresh queue filled by `fill`, drained by the process `worker` describes, the broker reset after.
 * The metrics are tasks/s, seconds and peak RSS (MB).
 */
export async function drainSample(
  broker: BrokerKind,
  label: string,
  fill: (url: string, queue: string) => Promise<void>,
  worker: (url: string, queue: string) => DrainProcess,
): Promise<Sample> {
  const url = brokerUrl(broker);
  const queue = freshQueue(label);
  try {
    await fill(url, queue);
    const result = await watchDrain(worker(url, queue), ROOT);
    return { metrics: { rate: result.rate, seconds: result.seconds, peakRssMb: result.peakRssMb } };
  } finally {
    await resetBroker(broker, queue);
  }
}
