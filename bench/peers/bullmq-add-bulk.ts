// BullMQ's fastest enqueue: `count` no-op jobs with Queue.addBulk, 1,000 per call. Prints {"seconds"} as JSON.
// Usage: node --import tsx bench/peers/bullmq-add-bulk.ts <redis-url> <queue> <count>
import { Queue } from "bullmq";

const BULK = 1000;
const [url, name, count] = process.argv.slice(2) as [string, string, string];
const queue = new Queue(name, { connection: { url } });
await queue.add("noop", {}); // connect and load the scripts, as the other producers warm up
const start = performance.now();
for (let sent = 0; sent < Number(count); sent += BULK) {
  const n = Math.min(BULK, Number(count) - sent);
  await queue.addBulk(Array.from({ length: n }, () => ({ name: "noop", data: {}, opts: { removeOnComplete: true, removeOnFail: true } })));
}
const seconds = (performance.now() - start) / 1000;
await queue.close();
console.log(JSON.stringify({ seconds }));
