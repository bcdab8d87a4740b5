// When `proto worker` acks on Redis, seen from Redis itself (MONITOR on a private redis-server holding broker and
// results): the pool slot is freed without waiting for the ack's round trip, and that must not move the ack. acks on
// receipt: the ack (kombu's `ZREM unacked_index <tag>`) reaches Redis while the task still runs; acks_late: not while
// it runs, and only after its result was stored (`SETEX celery-task-meta-<id>`), for every task of a batch; in the
// end nothing is left unacked.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import type { Worker } from "../../worker/src/worker.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

/** One command as MONITOR saw it, in the order Redis ran it. */
interface Seen {
  readonly name: string;
  readonly args: readonly string[];
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("proto worker on Redis: when acks reach Redis (MONITOR)", { timeout: 60_000 }, () => {
  const queue = "ack-order";
  const BATCH = 40;
  let server: PrivateRedisServer;
  let monitor: { disconnect(): void } | null = null;
  let worker: Worker | null = null;
  const seen: Seen[] = [];
  const held = new Map<string, () => void>();
  const running = new Set<string>();

  before(async () => {
    server = await PrivateRedisServer.start();
    const watcher = new Redis(server.url(0));
    const m = await watcher.monitor();
    watcher.disconnect();
    monitor = m;
    m.on("monitor", (_time: string, args: string[]) => {
      seen.push({ name: (args[0] ?? "").toLowerCase(), args: args.slice(1) });
    });
    const lines: string[] = [];
    worker = createWorker({
      broker: server.url(0),
      backend: server.url(1),
      queues: [queue],
      concurrency: 4,
      hostname: `ack-order-${process.pid}@%h`,
      logger: createCeleryLogger({ level: "WARNING", write: (t) => lines.push(t) }),
      mingle: false,
      heartbeat: false,
    });
    // Runs until the test releases it by the name given as its argument.
    const waitUntilReleased = async ([key]: [string]): Promise<string> => {
      running.add(key);
      await new Promise<void>((resolve) => held.set(key, resolve));
      running.delete(key);
      return key;
    };
    worker.registry.register<[string], string, Readonly<Record<string, unknown>>>("order.early_held", waitUntilReleased);
    worker.registry.register<[string], string, Readonly<Record<string, unknown>>>("order.late_held", waitUntilReleased, { acksLate: true });
    worker.registry.register<[number], number, Readonly<Record<string, unknown>>>("order.late", ([i]) => i, { acksLate: true });
    await worker.start();
  });

  after(async () => {
    for (const release of held.values()) release();
    await worker?.stop();
    monitor?.disconnect();
    await server?.dispose();
  });

  /** The delivery tag POP_MANY recorded in `unacked` for the task `id` (its envelope holds the id): one HSET a fetch. */
  const tagOf = (id: string): string | undefined => {
    for (const c of seen) {
      if (c.name !== "hset" || c.args[0] !== "unacked") continue;
      for (let i = 1; i + 1 < c.args.length; i += 2) if ((c.args[i + 1] as string).includes(id)) return c.args[i];
    }
    return undefined;
  };
  /** Index in `seen` of the ack (`ZREM unacked_index`) that removed `tag`, -1 if none yet. */
  const ackIndex = (tag: string): number => seen.findIndex((c) => c.name === "zrem" && c.args[0] === "unacked_index" && c.args.includes(tag));

  it("acks on receipt reach Redis while the task runs; acks_late ones not before the task ended and its result was stored", async () => {
    const client = await createClient({ broker: server.url(0), backend: server.url(1), defaultQueue: queue });
    try {
      const early = await client.enqueue("order.early_held", ["early"]);
      const late = await client.enqueue("order.late_held", ["late"]);
      await waitFor(() => running.has("early") && running.has("late"), "both tasks running");
      const earlyTag = tagOf(early.id);
      const lateTag = tagOf(late.id);
      assert.ok(earlyTag !== undefined && lateTag !== undefined, "both deliveries recorded in unacked by the fetch");
      await waitFor(() => ackIndex(earlyTag) >= 0, "the acks-on-receipt ack while its task still runs");
      assert.ok(running.has("early"), "the task it acked still runs");
      assert.equal(ackIndex(lateTag), -1, "no ack of the acks_late task while it runs");

      held.get("early")?.();
      held.get("late")?.();
      assert.equal(await late.get({ timeoutMs: 10_000 }), "late");
      await waitFor(() => ackIndex(lateTag) >= 0, "the acks_late ack");
      const stored = seen.findIndex((c) => c.name === "setex" && c.args[0] === `celery-task-meta-${late.id}`);
      assert.ok(stored >= 0 && stored < ackIndex(lateTag), `result stored (command ${stored}) before the ack (command ${ackIndex(lateTag)})`);
      assert.equal(await early.get({ timeoutMs: 10_000 }), "early");

      const batch = await Promise.all(Array.from({ length: BATCH }, (_, i) => client.enqueue("order.late", [i])));
      for (const [i, result] of batch.entries()) assert.equal(await result.get({ timeoutMs: 10_000 }), i);
      const tags = batch.map((r) => tagOf(r.id));
      await waitFor(() => tags.every((t) => t !== undefined && ackIndex(t) >= 0), `the ${BATCH} acks`);
      for (const [i, result] of batch.entries()) {
        const ack = ackIndex(tags[i] as string);
        const store = seen.findIndex((c) => c.name === "setex" && c.args[0] === `celery-task-meta-${result.id}`);
        assert.ok(store >= 0 && store < ack, `task ${i}: result stored (command ${store}) before its ack (command ${ack})`);
      }

      const raw = new Redis(server.url(0));
      try {
        assert.equal(await raw.hlen("unacked"), 0, "nothing left in unacked");
        assert.equal(await raw.zcard("unacked_index"), 0, "nothing left in unacked_index");
      } finally {
        raw.disconnect();
      }
    } finally {
      await client.close();
    }
  });
});
