// How the Redis consumer sizes its fetches (`POP_MANY`): never more than the prefetch window has room for; while the
// caller is not starving, only once the window has room for half of itself (one round trip, many messages); at once,
// however little room, when it is starving or says so with `Consumer.starving()`. A private redis-server, so that
// `INFO commandstats` counts this consumer's fetches alone. An idle consumer lets what it delivered reach Redis before
// it fetches again: a round trip's result is not queued behind a fetch that finds the lists empty.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { Delivery } from "../../sdk/src/transport/transport.js";
import { numberedMessage } from "../harness/numbered-message.js";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Enough time for a fetch that should not happen to have happened. */
const settleTime = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

describe("Redis consumer: fetch sizes (private redis-server)", { timeout: 60_000 }, () => {
  let server: PrivateRedisServer;
  let raw: Redis;

  before(async () => {
    server = await PrivateRedisServer.start();
    raw = new Redis(server.url(0));
  });

  after(async () => {
    raw?.disconnect();
    await server?.dispose();
  });

  const fetches = async (): Promise<number> => Number(/cmdstat_eval:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);

  it("waits for room for half the window unless the caller is starving; starving() sends a waiting fetch at once", async () => {
    const t = await createRedisTransport(server.url(0), {});
    const q = "fetch-ahead";
    for (let i = 0; i < 30; i++) await t.publish(numberedMessage(q, i));
    let starving = false;
    const got: Delivery[] = [];
    const consumer = await t.consume([q], (d) => got.push(d), { prefetch: 8, starving: () => starving });
    try {
      await waitFor(() => got.length === 8, "the first window");
      // (the transport's start-up sweep of unacked runs scripts too: count from here)
      await settleTime();
      await raw.config("RESETSTAT");

      for (const d of got.slice(0, 3)) await d.ack();
      await settleTime();
      assert.equal(got.length, 8, "room for 3 of 8, not starving: no fetch yet");
      await got[3]?.ack();
      await waitFor(() => got.length === 12, "room for 4 (half the window): one fetch of 4");
      assert.equal(await fetches(), 1);

      starving = true;
      await got[4]?.ack();
      await waitFor(() => got.length === 13, "starving: room for 1 is fetched at once");
      assert.equal(await fetches(), 2);

      starving = false;
      for (const d of got.slice(5, 7)) await d.ack();
      await settleTime();
      assert.equal(got.length, 13, "room for 2, not starving: no fetch");
      starving = true;
      consumer.starving?.();
      await waitFor(() => got.length === 15, "starving() sends the waiting fetch");
      assert.equal(await fetches(), 3);

      starving = false;
      for (const d of got.slice(7)) await d.ack();
      await waitFor(() => got.length === 23, "8 acks, not starving: two fetches of half a window");
      assert.equal(await fetches(), 5);
      await settleTime();
      assert.equal(got.length, 23, "8 unsettled: the window is full");
      await consumer.cancel();
      assert.equal(await raw.llen(q), 7 + 8, "cancel() restored the 8 unsettled deliveries");
    } finally {
      await consumer.cancel();
      await t.close();
    }
  });

  it("idle: the work a delivery starts (here a SET, as the worker's result) reaches Redis before the next fetch", async () => {
    const t = await createRedisTransport(server.url(0), {});
    const results = new Redis(server.url(0));
    const monitored = new Redis(server.url(0));
    const monitor = await monitored.monitor();
    const q = "fetch-after-result";
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      const command = String(args[0]).toLowerCase();
      if (command === "eval" || (command === "set" && String(args[1]).startsWith("result-"))) seen.push(command === "eval" ? "fetch" : String(args[1]));
    });
    const got: Delivery[] = [];
    const consumer = await t.consume(
      [q],
      (d) => {
        got.push(d);
        // As the worker: the task and its result store run in promise continuations (dozens of them from the
        // delivery to the store's write), in no later turn of the event loop.
        void (async () => {
          for (let step = 0; step < 50; step++) await Promise.resolve();
          await results.set(`result-${got.length}`, "done");
          await d.ack();
        })();
      },
      { prefetch: 8 },
    );
    try {
      await settleTime(); // idle: tracking on, waiting
      for (let i = 1; i <= 5; i++) {
        seen.length = 0;
        await t.publish(numberedMessage(q, i));
        await waitFor(() => seen.includes(`result-${i}`) && seen.filter((s) => s === "fetch").length >= 2, `message ${i} and the fetch after it`);
        assert.deepEqual(seen.slice(0, 3), ["fetch", `result-${i}`, "fetch"], "woken: one fetch takes it, its result, then the next fetch");
      }
    } finally {
      monitor.disconnect();
      monitored.disconnect();
      results.disconnect();
      await consumer.cancel();
      await t.close();
    }
  });

  it("without a starving option it fetches as kombu does: as soon as the window has room for one", async () => {
    const t = await createRedisTransport(server.url(0), {});
    const q = "fetch-eager";
    for (let i = 0; i < 10; i++) await t.publish(numberedMessage(q, i));
    const got: Delivery[] = [];
    const consumer = await t.consume([q], (d) => got.push(d), { prefetch: 4 });
    try {
      await waitFor(() => got.length === 4, "the first window");
      await got[0]?.ack();
      await waitFor(() => got.length === 5, "room for one is fetched");
    } finally {
      await consumer.cancel();
      await t.close();
    }
  });
});
