// Publishes to one Redis list in the same event-loop turn leave as one `LPUSH list e1 … eN` (ListPushBatcher): one
// socket write and one Redis command instead of one each, with the order a consumer pops (kombu's BRPOP, our POP_MANY:
// from the tail) unchanged. A private redis-server, so that `INFO commandstats` counts these pushes alone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { OutgoingMessage } from "../../sdk/src/transport/transport.js";
import { numberedMessage } from "../harness/numbered-message.js";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

describe("Redis transport: publishes in one turn are one LPUSH (private redis-server)", { timeout: 60_000 }, () => {
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

  const lpushCalls = async (): Promise<number> => Number(/cmdstat_lpush:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);
  /** What a kombu consumer gets, in its order: RPOP from the tail until the list is empty. */
  const popAll = async (list: string): Promise<number[]> => {
    const out: number[] = [];
    for (let envelope = await raw.rpop(list); envelope !== null; envelope = await raw.rpop(list)) {
      const parsed = JSON.parse(envelope) as { body: string };
      out.push((JSON.parse(Buffer.from(parsed.body, "base64").toString()) as { i: number }).i);
    }
    return out;
  };
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

  it("concurrent publishes: one LPUSH per list and turn (at most 1,000 values each), popped in publish order", async () => {
    const t = await createRedisTransport(server.url(0), {});
    try {
      await raw.config("RESETSTAT");
      await Promise.all(range(0, 1500).map((i) => t.publish(numberedMessage("batched", i))));
      assert.equal(await lpushCalls(), 2, "1,500 publishes in one turn: two LPUSHes of 1,000 and 500");
      assert.deepEqual(await popAll("batched"), range(0, 1500));

      // Priorities are lists of their own (kombu's `_q_for_pri`): one LPUSH each.
      await raw.config("RESETSTAT");
      const withPriority = (i: number, priority: number): OutgoingMessage => {
        const m = numberedMessage("prio", i);
        return { ...m, properties: { ...m.properties, priority } };
      };
      await Promise.all([withPriority(0, 0), withPriority(1, 9), withPriority(2, 0), withPriority(3, 9)].map((m) => t.publish(m)));
      assert.equal(await lpushCalls(), 2);
      assert.deepEqual(await popAll("prio"), [0, 2]);
      assert.deepEqual(await popAll("prio\x06\x169"), [1, 3]);
    } finally {
      await t.close();
    }
  });

  it("a sequential publisher still sends each message as it is published, one LPUSH each", async () => {
    const t = await createRedisTransport(server.url(0), {});
    try {
      await raw.config("RESETSTAT");
      for (let i = 0; i < 20; i++) {
        await t.publish(numberedMessage("sequential", i));
        assert.equal(await raw.llen("sequential"), i + 1, "published once publish() resolved");
      }
      assert.equal(await lpushCalls(), 20);
      assert.deepEqual(await popAll("sequential"), range(0, 20));
    } finally {
      await t.close();
    }
  });

  it("a push that Redis refuses fails every publish it carried", async () => {
    const t = await createRedisTransport(server.url(0), {});
    try {
      await raw.set("not-a-list", "x");
      const results = await Promise.allSettled(range(0, 3).map((i) => t.publish(numberedMessage("not-a-list", i))));
      for (const r of results) {
        assert.equal(r.status, "rejected");
        assert.match(String((r as PromiseRejectedResult).reason), /WRONGTYPE/);
      }
    } finally {
      await t.close();
    }
  });
});
