// The beat leader lease on a real Redis: one holder at a time, takeover after expiry, and fencing: a leader whose
// lease ran out (a paused process) can no longer record a send, so it cannot send a task the new leader also sends.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { redisDbUrl } from "../harness/broker-urls.js";
import { RedisBeatLease } from "../../sdk/src/beat/redis-beat-lease.js";

const DB = 28;
const KEY = "beat-lease-test:lock";

describe("RedisBeatLease", () => {
  const leases: RedisBeatLease[] = [];
  const lease = (leaseMs: number): RedisBeatLease => {
    const l = new RedisBeatLease({ url: redisDbUrl(DB), key: KEY, leaseMs });
    leases.push(l);
    return l;
  };
  before(async () => {
    const r = new Redis(redisDbUrl(DB), { maxRetriesPerRequest: 2 });
    await r.del(KEY, `${KEY}:state`);
    await r.quit();
  });
  after(async () => {
    for (const l of leases) await l.close();
  });

  it("one holder at a time; takeover after expiry; the ex-leader is fenced off; state is shared", async () => {
    const a = lease(600);
    const b = lease(600);
    assert.equal(await a.acquireOrExtend(), true);
    assert.equal(await b.acquireOrExtend(), false);
    assert.equal(await a.acquireOrExtend(), true, "the holder extends");
    await a.load("UTC");
    assert.equal(await a.reserve("e", { lastRunAtMs: Date.parse("2025-01-01T00:00:00Z"), totalRunCount: 1 }), true);
    await new Promise((r) => setTimeout(r, 800)); // a is "paused" past its lease
    assert.equal(await b.acquireOrExtend(), true, "the standby takes over once the lease expired");
    assert.equal(await a.reserve("e", { lastRunAtMs: Date.now(), totalRunCount: 2 }), false, "the ex-leader cannot record (so cannot send)");
    assert.equal(await a.acquireOrExtend(), false);
    const state = await b.load("UTC");
    assert.deepEqual(state.get("e"), { lastRunAtMs: Date.parse("2025-01-01T00:00:00Z"), totalRunCount: 1 }, "the new leader continues from the shared state");
    assert.equal((await b.load("Europe/Paris")).size, 0, "another timezone resets the state, as in Celery");
    await a.release();
    assert.equal(await b.acquireOrExtend(), true, "release by a non-holder does nothing");
    await b.release();
    assert.equal(await a.acquireOrExtend(), true, "after release the lock is free at once");
  });
});
