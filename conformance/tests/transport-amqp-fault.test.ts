// Fault tests on a second, test-owned RabbitMQ node (127.0.0.1:5684; the shared node is never restarted):
// a broker restart in the middle of a publish burst loses no confirmed message, and the transport recovers by
// itself (publishing, consumers with their prefetch, failover to the next URL).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AMQP_URL } from "../harness/broker-urls.js";
import { createDeliveryCollector } from "../harness/amqp-collector.js";
import { closeFaultNodeConnections, FAULT_NODE, runFaultNode } from "../harness/amqp-fault-node.js";
import { amqpTestName } from "../harness/amqp-reference.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import type { OutgoingMessage, TransportEvent } from "../../sdk/src/transport/transport.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (routingKey: string, body: string): OutgoingMessage => ({
  exchange: "",
  routingKey,
  body: new TextEncoder().encode(body),
  properties: { delivery_mode: 2, content_type: "text/plain" },
});

before(async () => {
  await runFaultNode("start"); // idempotent; ~8 s when the node is down, ~20 s the very first time
});

after(async () => {
  await runFaultNode("stop-rabbitmq");
});

describe("broker restart (rabbitmqctl stop_app/start_app on the fault node)", { timeout: 120_000 }, () => {
  it("during a publish burst with confirms: every acknowledged publish is in the queue; publishing and consuming resume by themselves", async () => {
    const events: Array<TransportEvent & { at: number; acked: number }> = [];
    const acked = new Set<number>();
    const transport = await createAmqpTransport({
      url: FAULT_NODE.url,
      backoff: () => 100,
      onEvent: (e) => events.push({ ...e, at: Date.now(), acked: acked.size }),
    });
    const q = amqpTestName("burst");
    const cq = amqpTestName("burst-consumer");
    try {
      await transport.declareQueue({ name: q });
      await transport.declareQueue({ name: cq });
      const collector = createDeliveryCollector();
      const consumer = await transport.consume([cq], collector.onDelivery, { prefetch: 3 });

      // 8 concurrent publishers, paced, until at least 2000 were sent and the restart is over; the restart starts
      // once 300 are confirmed, so it lands in the middle of the burst.
      const TOTAL = 2000;
      const failures: unknown[] = [];
      let seq = 0;
      let restart: Promise<void> | null = null;
      let restartDone = false;
      let ackedAfterRestart = 0;
      const worker = async (): Promise<void> => {
        while (seq < TOTAL || !restartDone || ackedAfterRestart < 200) {
          const n = seq++;
          try {
            await transport.publish(message(q, String(n)));
            acked.add(n);
            if (restartDone) ackedAfterRestart++;
          } catch (e) {
            failures.push(e);
          }
          if (acked.size >= 300 && restart === null) {
            restart = runFaultNode("restart-rabbitmq").then(() => {
              restartDone = true;
            });
          }
          await sleep(4);
        }
      };
      const started = Date.now();
      await Promise.all(Array.from({ length: 8 }, worker));
      const burstMs = Date.now() - started;

      assert.deepEqual(failures, [], "no publish failed: the unconfirmed ones were re-sent after reconnecting");
      const types = events.map((e) => e.type);
      assert.ok(types.includes("disconnected") && types.includes("reconnecting"), types.join(","));
      assert.ok(types.filter((t) => t === "connected").length >= 2, types.join(","));
      const disconnected = events.find((e) => e.type === "disconnected")!;
      const down = disconnected.at;
      const up = events.filter((e) => e.type === "connected")[1]!.at;

      // Everything confirmed is in the queue (read back in full; a re-sent message may be there twice).
      const reader = createDeliveryCollector();
      const readConsumer = await transport.consume([q], reader.onDelivery, { prefetch: 0, noAck: true });
      await reader.next(acked.size, 15_000);
      await sleep(300);
      await readConsumer.cancel();
      const seen = reader.got.map((d) => Number(new TextDecoder().decode(d.message.body)));
      const distinct = new Set(seen);
      const missing = [...acked].filter((n) => !distinct.has(n));
      assert.deepEqual(missing, [], `${missing.length} confirmed messages missing`);
      const duplicates = seen.length - distinct.size;
      assert.ok(duplicates <= 8, `duplicates (${duplicates}) only among the 8 publishes in flight when the connection dropped`);
      console.log(
        `[fault] ${seq} published in ${burstMs} ms, ${acked.size} confirmed (${disconnected.acked} before the disconnect), outage ${up - down} ms, ` +
          `${seen.length} in the queue (${duplicates} duplicates from re-sent unconfirmed messages), ${distinct.size - acked.size} unconfirmed-but-stored`,
      );

      // Publishing works afterwards, and the consumer came back with its prefetch of 3.
      for (let i = 0; i < 10; i++) await transport.publish(message(cq, `c${i}`));
      await collector.next(3);
      await sleep(300);
      assert.equal(collector.got.length, 3, "prefetch 3 re-applied on the new channel");
      await collector.got[0]!.ack();
      await collector.next(4);
      await consumer.cancel();
    } finally {
      await transport.deleteQueue(q).catch(() => undefined);
      await transport.deleteQueue(cq).catch(() => undefined);
      await transport.deleteExchange(q).catch(() => undefined);
      await transport.deleteExchange(cq).catch(() => undefined);
      await transport.close();
    }
  });

  it("connections force-closed mid-burst: in-flight publishes lose their confirms and are re-sent (at-least-once, no loss)", async () => {
    const events: TransportEvent[] = [];
    const transport = await createAmqpTransport({ url: FAULT_NODE.url, backoff: () => 50, onEvent: (e) => events.push(e) });
    const q = amqpTestName("forced");
    const CONCURRENCY = 64;
    try {
      await transport.declareQueue({ name: q });
      const acked = new Set<number>();
      const failures: unknown[] = [];
      let seq = 0;
      let closing: Promise<void> | null = null;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (seq < 6000) {
            const n = seq++;
            try {
              await transport.publish(message(q, String(n)));
              acked.add(n);
            } catch (e) {
              failures.push(e);
            }
            if (acked.size >= 1000 && closing === null) closing = closeFaultNodeConnections();
          }
        }),
      );
      await closing;
      assert.deepEqual(failures, []);
      assert.ok(
        events.some((e) => e.type === "disconnected"),
        "the connection was closed by the broker",
      );
      const reader = createDeliveryCollector();
      const readConsumer = await transport.consume([q], reader.onDelivery, { prefetch: 0, noAck: true });
      await reader.next(acked.size, 15_000);
      await sleep(300);
      await readConsumer.cancel();
      const seen = reader.got.map((d) => Number(new TextDecoder().decode(d.message.body)));
      const distinct = new Set(seen);
      assert.deepEqual(
        [...acked].filter((n) => !distinct.has(n)),
        [],
        "no confirmed message is missing",
      );
      const duplicates = seen.length - distinct.size;
      assert.ok(duplicates <= CONCURRENCY, `duplicates (${duplicates}) only among the ${CONCURRENCY} in flight when the connection dropped`);
      console.log(`[fault] forced close: ${acked.size} confirmed, ${seen.length} in the queue, ${duplicates} duplicates (re-sent after lost confirms)`);
    } finally {
      await transport.deleteQueue(q).catch(() => undefined);
      await transport.deleteExchange(q).catch(() => undefined);
      await transport.close();
    }
  });

  it("with a ';' failover list, reconnects to the next alternate (round-robin) and re-declares there", async () => {
    const events: TransportEvent[] = [];
    const transport = await createAmqpTransport({ url: `${FAULT_NODE.url};${AMQP_URL}`, backoff: () => 100, onEvent: (e) => events.push(e) });
    const q = amqpTestName("failover");
    try {
      assert.equal(transport.currentEndpoint, FAULT_NODE.url.replace(":guest@", ":**@"));
      await transport.declareQueue({ name: q });
      await runFaultNode("restart-rabbitmq");
      for (let i = 0; i < 100 && transport.currentEndpoint !== AMQP_URL.replace(":guest@", ":**@"); i++) await sleep(50);
      assert.equal(transport.currentEndpoint, AMQP_URL.replace(":guest@", ":**@"));
      await transport.publish(message(q, "on the other node")); // the queue was re-declared on the shared node
      assert.equal(await transport.purge(q), 1);
    } finally {
      await transport.deleteQueue(q).catch(() => undefined);
      await transport.deleteExchange(q).catch(() => undefined);
      await transport.close();
    }
    // The fault node keeps its own copy of the durable queue: remove it there too.
    const cleanup = await createAmqpTransport({ url: FAULT_NODE.url });
    await cleanup.deleteQueue(q).catch(() => undefined);
    await cleanup.deleteExchange(q).catch(() => undefined);
    await cleanup.close();
  });
});
