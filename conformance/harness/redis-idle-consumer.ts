// A Redis consumer in a process of its own, for tests that stop or kill it: consumes `queue` with prefetch 4, prints
// `delivered <body>` for each delivery (and acks it) and `event <message>` for each transport warning.
// Usage: node --import tsx conformance/harness/redis-idle-consumer.ts <redis-url> <queue> <brpopTimeoutSeconds>
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";

const [url, queue, brpopTimeout] = process.argv.slice(2) as [string, string, string];
const transport = await createRedisTransport(url, {
  brpopTimeout: Number(brpopTimeout),
  onEvent: (event) => {
    if (event.type === "error") console.log(`event ${event.error.message}`);
  },
});
await transport.consume(
  [queue],
  (delivery) => {
    console.log(`delivered ${new TextDecoder().decode(delivery.message.body)}`);
    void delivery.ack();
  },
  { prefetch: 4 },
);
console.log("consuming");
