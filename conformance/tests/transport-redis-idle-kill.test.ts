// An idle Redis consumer waits without taking anything from its lists (client-side tracking wakes it, `POP_MANY`
// takes and records in `unacked` in one script), so a worker killed at any moment loses nothing. kombu's BRPOP pops
// first and records afterwards: stopped (SIGSTOP) while idle, then killed, it loses the message pushed in between —
// shown here by the fallback a server that refuses tracking gets. A private redis-server, so its ACLs and clients
// are this test's alone.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PrivateRedisServer } from "../harness/redis-private-server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

class ConsumerProcess {
  output = "";
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
  }
  static async start(url: string, queue: string, brpopTimeout: number): Promise<ConsumerProcess> {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "conformance/harness/redis-idle-consumer.ts"), url, queue, String(brpopTimeout)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const consumer = new ConsumerProcess(child);
    await consumer.waitFor(/^consuming$/mu, "the consumer to start");
    return consumer;
  }
  async waitFor(pattern: RegExp, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGKILL");
    await exited;
  }
}

/** kombu's envelope for a message on `queue` whose body is `{"i": i}` (what `numberedMessage` publishes). */
function envelope(queue: string, i: number): string {
  return JSON.stringify({
    body: Buffer.from(JSON.stringify({ i })).toString("base64"),
    "content-encoding": "utf-8",
    "content-type": "application/json",
    headers: {},
    properties: { body_encoding: "base64", delivery_info: { exchange: "", routing_key: queue }, delivery_mode: 2, priority: 0, delivery_tag: `tag-${i}` },
  });
}

/** Until a client of the server matches `test` (a line of `CLIENT LIST`). */
async function untilClient(raw: Redis, test: (line: string) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (
    !String(await raw.call("CLIENT", "LIST"))
      .split("\n")
      .some(test)
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Redis consumer killed while idle (private redis-server)", { timeout: 60_000 }, () => {
  let server: PrivateRedisServer;
  let raw: Redis;
  const consumers: ConsumerProcess[] = [];

  before(async () => {
    server = await PrivateRedisServer.start();
    raw = new Redis(server.url(0));
    // A user whose tracking the server refuses, as an ACL or an old server would.
    await raw.call("ACL", "SETUSER", "no-tracking", "on", "nopass", "~*", "&*", "+@all", "-client|tracking");
  });

  after(async () => {
    for (const c of consumers) await c.kill();
    raw?.disconnect();
    await server?.dispose();
  });

  it("stopped while idle and killed: the message pushed in between stays queued, and the next consumer gets it", async () => {
    const queue = "idle-kill";
    const first = await ConsumerProcess.start(server.url(0), queue, 30);
    consumers.push(first);
    await untilClient(raw, (l) => /flags=\S*t/u.test(l), "the idle consumer to switch tracking on");
    first.child.kill("SIGSTOP");
    await raw.lpush(queue, envelope(queue, 1));
    await new Promise((r) => setTimeout(r, 200));
    await first.kill();
    assert.equal(await raw.llen(queue), 1, "the message is still queued: nothing took it from the list");
    assert.equal(await raw.hlen("unacked"), 0);
    const second = await ConsumerProcess.start(server.url(0), queue, 30);
    consumers.push(second);
    await second.waitFor(/^delivered \{"i":1\}$/mu, "the message");
  });

  it("an idle consumer is woken by the push, not by its 30 s poll", async () => {
    const queue = "idle-wake";
    const consumer = await ConsumerProcess.start(server.url(0), queue, 30);
    consumers.push(consumer);
    await untilClient(raw, (l) => /flags=\S*t/u.test(l), "the idle consumer to switch tracking on");
    for (let i = 0; i < 3; i++) {
      await raw.lpush(queue, envelope(queue, i));
      await consumer.waitFor(new RegExp(`^delivered \\{"i":${i}\\}$`, "mu"), `message ${i} within 10 s (the poll would take 30)`, 10_000);
    }
    await consumer.kill();
  });

  it("a server that refuses tracking: BRPOP as kombu, with a warning; stopped and killed there, the message is lost", async () => {
    const queue = "idle-kill-brpop";
    const url = `redis://no-tracking@127.0.0.1:${server.port}/0`;
    const consumer = await ConsumerProcess.start(url, queue, 30);
    consumers.push(consumer);
    await consumer.waitFor(/^event Redis refused client-side tracking \(NOPERM/mu, "the fallback warning");
    await untilClient(raw, (l) => /cmd=brpop/u.test(l) && /flags=\S*b/u.test(l), "the consumer to block in BRPOP");
    await raw.lpush(queue, envelope(queue, 7));
    await consumer.waitFor(/^delivered \{"i":7\}$/mu, "the message through BRPOP");
    await untilClient(raw, (l) => /cmd=brpop/u.test(l) && /flags=\S*b/u.test(l), "the consumer to block in BRPOP again");
    consumer.child.kill("SIGSTOP");
    await raw.lpush(queue, envelope(queue, 8));
    await new Promise((r) => setTimeout(r, 200));
    await consumer.kill();
    assert.equal(await raw.llen(queue), 0, "BRPOP took it from the list");
    assert.equal(await raw.hexists("unacked", "tag-8"), 0, "and it never reached unacked: lost, as with kombu");
  });
});
