// A consumer that dies without closing anything: consumes `count` numbered messages from `queue` with our AMQP
// transport (prefetch `count`), once all have arrived acks in one event-loop turn every one except number `holdMiddle`
// and the last `holdTail`, which it holds unacked, makes sure the broker has processed the acks (a basic.qos round trip on the same
// channel, which RabbitMQ handles after the frames before it), prints {"acked", "ackCalls"} (amqplib `ack` calls, i.e.
// basic.ack frames) as JSON and SIGKILLs itself.
// Usage: node --import tsx conformance/harness/amqp-ack-then-crash.ts <amqp-url> <queue> <count> <holdMiddle> <holdTail>
import { createRequire } from "node:module";
import path from "node:path";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import type { Consumer, Delivery } from "../../sdk/src/transport/transport.js";

const [url, queue, countArg, holdMiddle, holdTail] = process.argv.slice(2).map((a, i) => (i < 2 ? a : Number(a))) as [string, string, number, number, number];
const count = countArg;
const isHeld = (i: number): boolean => i === holdMiddle || i >= count - holdTail;

const require = createRequire(import.meta.url);
const channelModel = require(path.join(path.dirname(require.resolve("amqplib")), "lib", "channel_model.js")) as {
  Channel: { prototype: { ack(...args: unknown[]): unknown } };
};
let ackCalls = 0;
const ack = channelModel.Channel.prototype.ack;
channelModel.Channel.prototype.ack = function (this: unknown, ...args: unknown[]): unknown {
  ackCalls++;
  return ack.apply(this, args);
};

const transport = await createAmqpTransport({ url });
const deliveries: Delivery[] = [];
let acked = 0;
const consumer: Consumer = await new Promise<Consumer>((resolveConsumer, reject) => {
  let resolveAll: (() => void) | null = null;
  const all = new Promise<void>((r) => (resolveAll = r));
  transport
    .consume(
      [queue],
      (delivery) => {
        deliveries.push(delivery);
        if (deliveries.length < count) return;
        for (const d of deliveries) {
          const { i } = JSON.parse(new TextDecoder().decode(d.message.body)) as { i: number };
          if (isHeld(i)) continue;
          acked++;
          d.ack().catch(reject);
        }
        resolveAll?.();
      },
      { prefetch: count },
    )
    .then(async (c) => {
      await all;
      resolveConsumer(c);
    }, reject);
});
await new Promise((r) => setImmediate(r)); // the turn's acks are flushed
await consumer.setPrefetch?.(count + 1);
process.stdout.write(`${JSON.stringify({ acked, ackCalls })}\n`, () => process.kill(process.pid, "SIGKILL"));
