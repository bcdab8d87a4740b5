// The RabbitMQ publish floor: amqplib on a confirm channel, the same pre-encoded Celery message `count` times with
// up to `in-flight` (default 1,000) unconfirmed at once; with 1, each publish waits for its confirm (the broker's
// confirm round trip, which bounds any sequential confirmed producer). Prints {"seconds"} as JSON.
// Usage: node --import tsx bench/floors/amqplib-confirmed-publish.ts <amqp-url> <queue> <count> [in-flight=1000]
import { randomUUID } from "node:crypto";
import amqplib from "amqplib";

const [url, queue, count, inFlight = "1000"] = process.argv.slice(2) as [string, string, string, string?];
const IN_FLIGHT = Number(inFlight);
const connection = await amqplib.connect(url);
const channel = await connection.createConfirmChannel();
await channel.assertQueue(queue, { durable: true });
const id = randomUUID();
const body = Buffer.from(JSON.stringify([[1, 1], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]));
const options: amqplib.Options.Publish = {
  contentType: "application/json",
  contentEncoding: "utf-8",
  deliveryMode: 2,
  priority: 0,
  correlationId: id,
  headers: { lang: "py", task: "conformance.add", id, root_id: id, parent_id: null, group: null, retries: 0, argsrepr: "(1, 1)", kwargsrepr: "{}" },
};
const publish = (): Promise<void> =>
  new Promise((resolve, reject) => channel.publish("", queue, body, options, (error: unknown) => (error ? reject(error) : resolve())));
await publish(); // warm-up, as the other producers
const start = performance.now();
let next = 0;
const lane = async (): Promise<void> => {
  while (next < Number(count)) {
    next++;
    await publish();
  }
};
await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Number(count)) }, lane));
const seconds = (performance.now() - start) / 1000;
await connection.close();
console.log(JSON.stringify({ seconds }));
