// The Redis transport when Redis goes away: restarts mid-consume and mid-publish, bounded publish buffering, backoff,
// failover lists, sockets, sentinel, refused credentials. Every server here is a private redis-server of this test
// (never the shared broker, which other suites use).
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { TransportEvent } from "../../sdk/src/transport/transport.js";
import { numberedMessage } from "../harness/numbered-message.js";
import { findFreePort, PrivateRedisServer } from "../harness/redis-private-server.js";

const P = `t-redis-${process.pid}`;

function indexOf(body: Uint8Array): number {
  return (JSON.parse(new TextDecoder().decode(body)) as { i: number }).i;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("Redis transport resilience (private redis-servers)", { timeout: 60_000 }, () => {
  let server: PrivateRedisServer;

  before(async () => {
    server = await PrivateRedisServer.start();
  });

  after(async () => {
    await server?.dispose();
  });

  it("(8) a Redis restart mid-consume and mid-publish: the BRPOP loop resumes, buffered publishes go through", async () => {
    const events: TransportEvent[] = [];
    const t = await createRedisTransport(server.url(0), { backoff: () => 50, maxBufferedPublishes: 500, onEvent: (e) => events.push(e) });
    const q = `${P}-restart`;
    const got = new Set<number>();
    const consumer = await t.consume(
      [q],
      (d) => {
        got.add(indexOf(d.message.body));
        void d.ack().catch(() => undefined);
      },
      { prefetch: 4 },
    );
    for (let i = 0; i < 5; i++) await t.publish(numberedMessage(q, i));
    await waitFor(() => got.size === 5, "5 messages before the restart");

    // a steady publisher runs across the crash and the restart
    let next = 5;
    let stopPublishing = false;
    const results: Promise<void>[] = [];
    let issuedAfterKill = Infinity;
    const publisher = (async () => {
      while (!stopPublishing) {
        results.push(t.publish(numberedMessage(q, next++)));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await server.stop(); // SIGKILL: the BRPOP connection and the command connection drop at once
    issuedAfterKill = next;
    await new Promise((r) => setTimeout(r, 300));
    await server.restart();
    await new Promise((r) => setTimeout(r, 300));
    stopPublishing = true;
    await publisher;
    const last = next;
    const settled = await Promise.allSettled(results);
    assert.deepEqual(
      settled.filter((s) => s.status === "rejected"),
      [],
      "no publish failed",
    );
    // Messages already in the killed server were lost with it (no persistence); everything issued after the kill was
    // buffered, sent to the new server and consumed by the same consumer.
    await waitFor(
      () => Array.from({ length: last - issuedAfterKill }, (_, k) => issuedAfterKill + k).every((i) => got.has(i)),
      "messages issued during the outage",
    );
    assert.ok(last - issuedAfterKill > 50, `published ${last - issuedAfterKill} messages during and after the outage`);
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 1), ["connected"]);
    assert.ok(types.includes("disconnected") && types.includes("reconnecting"), types.join(","));
    assert.equal(types.filter((x) => x === "connected").length, 2);
    const reconnecting = events.find((e) => e.type === "reconnecting");
    assert.ok(reconnecting?.type === "reconnecting" && reconnecting.delayMs === 50 && reconnecting.attempt >= 1);
    await consumer.cancel();
    await t.close();
  });

  it("bounds publishes waiting for a lost connection: one more than maxBufferedPublishes is refused with BufferOverflow", async () => {
    const events: TransportEvent[] = [];
    const t = await createRedisTransport(server.url(1), { backoff: () => 30, maxBufferedPublishes: 3, onEvent: (e) => events.push(e) });
    const q = `${P}-bounded`;
    await server.stop();
    await waitFor(() => events.some((e) => e.type === "disconnected"), "disconnect");
    const buffered = [0, 1, 2].map((i) => t.publish(numberedMessage(q, i)));
    await assert.rejects(t.publish(numberedMessage(q, 3)), (e) => CeleryProtoError.is(e, "BufferOverflow") && /maxBufferedPublishes/.test(e.message));
    await server.restart();
    await Promise.all(buffered);
    const raw = new Redis(server.url(1));
    assert.deepEqual(
      (await raw.lrange(q, 0, -1)).map(
        (e) => (JSON.parse(e) as { properties: { delivery_info: { routing_key: string } } }).properties.delivery_info.routing_key,
      ),
      [q, q, q],
    );
    await raw.quit();
    await t.close();
    await assert.rejects(t.publish(numberedMessage(q, 4)), (e) => CeleryProtoError.is(e, "TransportClosed"));
  });

  it("close() while Redis is down returns promptly: waiting publishes fail with TransportClosed, unsettled deliveries are reported", async () => {
    const events: TransportEvent[] = [];
    const t = await createRedisTransport(server.url(3), { backoff: () => 30, onEvent: (e) => events.push(e) });
    const q = `${P}-close-down`;
    await t.publish(numberedMessage(q, 0));
    let delivered!: () => void;
    const gotOne = new Promise<void>((r) => (delivered = r));
    await t.consume([q], () => delivered(), { prefetch: 1 });
    await gotOne;
    await server.stop();
    await waitFor(() => events.some((e) => e.type === "disconnected"), "disconnect");
    const waiting = t.publish(numberedMessage(q, 1));
    const started = Date.now();
    await t.close();
    assert.ok(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
    await assert.rejects(waiting, (e) => CeleryProtoError.is(e, "TransportClosed"));
    assert.ok(events.some((e) => e.type === "error" && /1 unsettled deliveries not restored/.test(e.error.message)));
    await server.restart();
  });

  it("a backoff that gives up fails waiting publishes with TransportClosed, never an unhandled error", async () => {
    const t = await createRedisTransport(server.url(2), { backoff: (attempt) => (attempt > 2 ? null : 20) });
    await server.stop();
    await assert.rejects(t.publish(numberedMessage(`${P}-giveup`, 0)), (e) => CeleryProtoError.is(e, "TransportClosed"));
    await t.close();
    await server.restart();
  });

  it("failover lists (;) try the next server; sockets and passwords work as in Celery URLs; bad passwords are refused", async () => {
    const dead = await findFreePort();
    const t = await createRedisTransport(`redis://127.0.0.1:${dead}/0;redis://127.0.0.1:${server.port}/4`, { backoff: () => 20 });
    await t.publish(numberedMessage(`${P}-failover`, 1));
    const raw = new Redis(server.url(4));
    assert.equal(await raw.llen(`${P}-failover`), 1);
    await raw.quit();
    await t.close();

    const sock = path.join(tmpdir(), `celery-proto-${process.pid}.sock`);
    const secured = await PrivateRedisServer.start(["--unixsocket", sock, "--unixsocketperm", "700", "--requirepass", "s3cret"]);
    try {
      const viaSocket = await createRedisTransport(`redis+socket://:s3cret@${sock}?virtual_host=3`);
      await viaSocket.publish(numberedMessage(`${P}-socket`, 1));
      const check = new Redis({ port: secured.port, password: "s3cret", db: 3 });
      assert.equal(await check.llen(`${P}-socket`), 1);
      await check.quit();
      await viaSocket.close();
      await assert.rejects(
        createRedisTransport(`redis://:wrong@127.0.0.1:${secured.port}/0`),
        (e) => CeleryProtoError.is(e, "InvalidOption") && /WRONGPASS|invalid/i.test(e.message),
      );
    } finally {
      await secured.dispose();
    }
  });

  it("rediss:// with ssl_cert_reqs / ssl_ca_certs; an unverifiable certificate is refused, not retried forever", async () => {
    const tlsServer = await PrivateRedisServer.startTls();
    try {
      const insecure = await createRedisTransport(`rediss://127.0.0.1:${tlsServer.port}/0?ssl_cert_reqs=CERT_NONE`);
      await insecure.publish(numberedMessage(`${P}-tls`, 1));
      await insecure.close();
      const verified = await createRedisTransport(
        `rediss://localhost:${tlsServer.port}/0?ssl_cert_reqs=required&ssl_ca_certs=${encodeURIComponent(tlsServer.caFile)}`,
      );
      assert.equal(await verified.purge(`${P}-tls`), 1);
      await verified.close();
      await assert.rejects(
        createRedisTransport(`rediss://localhost:${tlsServer.port}/0`),
        (e) => CeleryProtoError.is(e, "InvalidOption") && /ssl_ca_certs/.test(e.message),
      );
    } finally {
      await tlsServer.dispose();
    }
  });

  it("sentinel:// URLs find the master named by transportOptions.master_name", async () => {
    const sentinel = await PrivateRedisServer.startSentinel("cpmaster", server.port);
    try {
      await assert.rejects(
        createRedisTransport(`sentinel://127.0.0.1:${sentinel.port}`),
        (e) => CeleryProtoError.is(e, "InvalidOption") && /master_name/.test(e.message),
      );
      const t = await createRedisTransport(`sentinel://127.0.0.1:${sentinel.port}/5;sentinel://127.0.0.1:${await findFreePort()}`, {
        transportOptions: { master_name: "cpmaster" },
        backoff: () => 20,
      });
      await t.publish(numberedMessage(`${P}-sentinel`, 1));
      const raw = new Redis(server.url(5));
      assert.equal(await raw.llen(`${P}-sentinel`), 1);
      await raw.quit();
      assert.equal(t.layout.fanoutChannel("celeryev", "x"), "/5.celeryev/x");
      await t.close();
    } finally {
      await sentinel.dispose();
    }
  });
});
