// The RabbitMQ floor: amqplib consuming with prefetch 100 and one basic.ack per message, with nothing else: no
// decoding, no task, no logging. Prints "ready." once consuming and, after `count`, "done".
// Usage: node --import tsx bench/floors/amqplib-drain.ts <amqp-url> <queue> <count>
import amqplib from "amqplib";

const PREFETCH = 100;

const [url, queue, count] = process.argv.slice(2) as [string, string, string];
const connection = await amqplib.connect(url);
const channel = await connection.createChannel();
await channel.prefetch(PREFETCH);
let received = 0;
await channel.consume(queue, (message) => {
  if (message === null) return;
  channel.ack(message);
  if (++received === Number(count)) console.log("done");
});
console.log("ready.");
