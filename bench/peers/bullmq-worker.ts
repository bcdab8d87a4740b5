// A BullMQ worker draining `count` no-op jobs (its own job format) at the given concurrency; prints "ready." once
// connected and "done" when the count-th job has completed.
// Usage: node --import tsx bench/peers/bullmq-worker.ts <redis-url> <queue> <count> <concurrency>
import { Worker } from "bullmq";

const [url, queue, count, concurrency] = process.argv.slice(2) as [string, string, string, string];
let completed = 0;
const worker = new Worker(queue, async () => null, {
  connection: { url, maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
  autorun: false,
});
worker.on("completed", () => {
  if (++completed === Number(count)) console.log("done");
});
await worker.waitUntilReady();
console.log("ready.");
await worker.run();
