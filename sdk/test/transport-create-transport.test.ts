// createTransport, the one URL → transport factory: option checks, Celery's start-up retry intervals and limit, abort.
// Connection attempts go to a port on 127.0.0.1 that nothing listens on (a real refused connection, no broker needed).
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { compileConnectRetryPolicy, DEFAULT_CONNECT_RETRY_POLICY, retryDelayMs } from "../src/transport/connect-retry-policy.js";
import { createTransport } from "../src/transport/create-transport.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { TransportEvent } from "../src/transport/transport.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 1;
}

describe("connect retry policy (kombu's ensure_connection intervals, Celery's broker_connection_max_retries)", () => {
  it("defaults: 100 retries, 2 s then 2 s more each time, at most 30 s", () => {
    assert.equal(DEFAULT_CONNECT_RETRY_POLICY.maxRetries, 100);
    assert.deepEqual(
      [1, 2, 3, 14, 15, 16, 100].map((n) => retryDelayMs(DEFAULT_CONNECT_RETRY_POLICY, n)),
      [2000, 4000, 6000, 28_000, 30_000, 30_000, 30_000],
    );
  });

  it("takes Infinity (retry forever); refuses negative or fractional values naming the field", () => {
    assert.equal(compileConnectRetryPolicy({ maxRetries: Infinity }).maxRetries, Infinity);
    assert.throws(
      () => compileConnectRetryPolicy({ maxRetries: -1 }),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("retry.maxRetries:"),
    );
    assert.throws(() => compileConnectRetryPolicy({ maxRetries: 1.5 }), /retry\.maxRetries/);
    assert.throws(() => compileConnectRetryPolicy({ intervalStartMs: Infinity }), /retry\.intervalStartMs/);
  });
});

describe("createTransport", () => {
  it("memory:// needs no connection; unknown schemes are refused with the password masked", async () => {
    assert.ok((await createTransport("memory://")) instanceof MemoryTransport);
    await assert.rejects(
      createTransport("kafka://user:secret@h:9092"),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.includes("kafka") && !e.message.includes("secret"),
    );
  });

  it("refuses kombu transport options for a non-Redis URL and a bad timeout, naming the caller's setting", async () => {
    await assert.rejects(createTransport("amqp://localhost", { transportOptions: {} }), /only a Redis broker URL takes kombu transport options/);
    await assert.rejects(
      createTransport("redis://localhost", { connectTimeoutMs: 0, settingNames: { connectTimeout: "--broker-connection-timeout" } }),
      /^CeleryProtoError: --broker-connection-timeout: must be a positive number/,
    );
  });

  for (const scheme of ["redis", "amqp"] as const) {
    it(`${scheme}: retries with the policy's delays, reporting each retry, then gives up naming the setting`, async () => {
      const port = await closedPort();
      const events: TransportEvent[] = [];
      const error = await createTransport(`${scheme}://127.0.0.1:${port}/`, {
        retry: { maxRetries: 2, intervalStartMs: 10, intervalStepMs: 15 },
        onEvent: (e) => events.push(e),
        settingNames: { maxRetries: "broker_connection_max_retries" },
      }).then(
        () => assert.fail("connected to a closed port"),
        (e: unknown) => e,
      );
      assert.ok(CeleryProtoError.is(error, "TransportClosed"), String(error));
      assert.match(error.message, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}.*gave up after 2 retries: broker_connection_max_retries = 2`));
      const retries = events.filter((e) => e.type === "connect-retry");
      assert.deepEqual(
        retries.map((e) => [e.retry, e.maxRetries, e.delayMs]),
        [
          [1, 2, 10],
          [2, 2, 25],
        ],
      );
      assert.ok(!events.some((e) => e.type === "error"), "failed attempts are reported as retries, not as background errors");
    });
  }

  it("an aborted signal ends the retries at once with TransportClosed", async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const started = Date.now();
    const attempt = createTransport(`redis://127.0.0.1:${port}/0`, {
      retry: { intervalStartMs: 60_000 },
      signal: controller.signal,
      onEvent: (e) => e.type === "connect-retry" && controller.abort(),
    });
    await assert.rejects(attempt, (e: unknown) => CeleryProtoError.is(e, "TransportClosed") && /was aborted/.test(e.message));
    assert.ok(Date.now() - started < 5000);
  });
});
