// Our round trip: `calls` sequential conformance.add(1, 1) enqueues, each awaited to its result in the Redis result
// backend, after 20 warm-up calls (the first waits for the worker to come up). Prints {"latenciesMs"} as JSON.
// Usage: node --import tsx bench/clients/proto-round-trip.ts <broker-url> <backend-url> <queue> <calls>
import { createClient } from "../../dist/sdk/index.js";

const WARM_UP = 20;

const [broker, backend, queue, calls] = process.argv.slice(2) as [string, string, string, string];
const client = await createClient({ broker, backend, defaultQueue: queue });
const latenciesMs: number[] = [];
for (let i = 0; i < WARM_UP + Number(calls); i++) {
  const start = performance.now();
  const result = await client.enqueue("conformance.add", [1, 1]);
  await result.get({ timeoutMs: 60_000 });
  if (i >= WARM_UP) latenciesMs.push(performance.now() - start);
}
await client.close();
console.log(JSON.stringify({ latenciesMs }));
