// The AMQP transport's acks, sent once per event-loop turn as one `basic.ack multiple=true` when the acked deliveries
// lie below every delivery still outstanding (sdk/src/transport/amqp/ack-batcher.ts), on the shared RabbitMQ: a
// consumer that dies by SIGKILL after acking a prefetch window in one turn except one message in the middle and the
// last few gets exactly the held ones redelivered (no multiple ack covers them): the acks below the held one went out
// as one frame, those above it one frame each.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, it } from "node:test";
import { AMQP_URL } from "../harness/broker-urls.js";
import { amqpTestName } from "../harness/amqp-reference.js";
import { numberedMessage } from "../harness/numbered-message.js";
import type { AmqpTransport } from "../../sdk/src/transport/amqp/amqp-transport.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import type { Delivery } from "../../sdk/src/transport/transport.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const COUNT = 60;
const HOLD_MIDDLE = 30;
const HOLD_TAIL = 5;
const queue = amqpTestName("ack-batching");
let transport: AmqpTransport;

before(async () => {
  transport = await createAmqpTransport({ url: AMQP_URL });
  await transport.declareQueue({ name: queue });
});

after(async () => {
  await transport.deleteQueue(queue).catch(() => undefined);
  await transport.close();
});

it("a SIGKILLed consumer's batched acks free exactly the acked deliveries; the held ones come back redelivered", async () => {
  await Promise.all(Array.from({ length: COUNT }, (_, i) => transport.publish(numberedMessage(queue, i))));
  // The child exits by SIGKILL, which execFile reports as an error carrying the stdout written before it.
  const stdout = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "conformance/harness/amqp-ack-then-crash.ts"), AMQP_URL, queue, String(COUNT), String(HOLD_MIDDLE), String(HOLD_TAIL)],
    { cwd: ROOT },
  ).then(
    (r) => r.stdout,
    (e: { stdout?: string; signal?: string }) => {
      assert.equal(e.signal, "SIGKILL", `the consumer should die by SIGKILL: ${JSON.stringify(e)}`);
      return e.stdout ?? "";
    },
  );
  const { acked, ackCalls } = JSON.parse(stdout) as { acked: number; ackCalls: number };
  const held = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i === HOLD_MIDDLE || i >= COUNT - HOLD_TAIL);
  assert.equal(acked, COUNT - held.length);
  const aboveHeld = COUNT - HOLD_TAIL - HOLD_MIDDLE - 1;
  assert.equal(ackCalls, 1 + aboveHeld, `the ${HOLD_MIDDLE} acks below the held delivery in one basic.ack, the ${aboveHeld} above it one each`);

  const redelivered: { i: number; redelivered: boolean }[] = [];
  const got = new Promise<void>((resolve) => {
    const onDelivery = (delivery: Delivery): void => {
      const { i } = JSON.parse(new TextDecoder().decode(delivery.message.body)) as { i: number };
      redelivered.push({ i, redelivered: delivery.message.deliveryInfo?.redelivered === true });
      void delivery.ack();
      if (redelivered.length === held.length) resolve();
    };
    void transport.consume([queue], onDelivery, { prefetch: COUNT });
  });
  await got;
  assert.deepEqual(
    redelivered.sort((a, b) => a.i - b.i),
    held.map((i) => ({ i, redelivered: true })),
  );
  assert.equal(await transport.purge(queue), 0, "nothing else was left in the queue");
});
