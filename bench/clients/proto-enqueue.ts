// Our producer: `count` enqueues of conformance.add(i, i) with the shipped client, `inFlight` at once (1 = each
// awaited before the next, as an application's request handler does). Prints {"seconds"} as JSON.
// Usage: node --import tsx bench/clients/proto-enqueue.ts <broker-url> <queue> <count> <in-flight> <confirms 0|1>
import { createAmqpTransport } from "../../dist/sdk/amqp/index.js";
import { createClient } from "../../dist/sdk/index.js";

const [url, queue, count, inFlight, confirms] = process.argv.slice(2) as [string, string, string, string, string];
const broker = url.startsWith("amqp") ? await createAmqpTransport({ url, confirms: confirms === "1" }) : url;
const client = await createClient({ broker, backend: null, defaultQueue: queue });
await client.enqueue("conformance.add", [0, 0]); // connect and declare, as the other producers warm up
const start = performance.now();
let next = 0;
const lane = async (): Promise<void> => {
  while (next < Number(count)) {
    const i = next++;
    await client.enqueue("conformance.add", [i, i]);
  }
};
await Promise.all(Array.from({ length: Math.min(Number(inFlight), Number(count)) }, lane));
const seconds = (performance.now() - start) / 1000;
await client.close();
console.log(JSON.stringify({ seconds }));
