// The worker's broker connection settings (Celery's broker_connection_timeout, broker_connection_retry_on_startup,
// broker_connection_max_retries): defaults and refusals naming the option.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { compileWorkerOptions } from "../src/compile-worker-options.js";

describe("worker connection options", () => {
  it("defaults to Celery's: retry at start-up, 100 retries, the transport's 4 s timeout; errors name these options", () => {
    const o = compileWorkerOptions({ broker: "memory://" }, {});
    assert.equal(o.brokerConnectionRetryOnStartup, true);
    assert.equal(o.brokerConnectionMaxRetries, 100);
    assert.equal(o.connectTimeoutMs, undefined);
    assert.deepEqual(o.connectSettingNames, { connectTimeout: "connectTimeoutMs", maxRetries: "brokerConnectionMaxRetries", backend: "backend" });
  });

  it("takes Infinity retries, no retry at start-up and a timeout; refuses bad values naming the option", () => {
    const o = compileWorkerOptions(
      { broker: "memory://", brokerConnectionMaxRetries: Infinity, brokerConnectionRetryOnStartup: false, connectTimeoutMs: 1500 },
      {},
    );
    assert.equal(o.brokerConnectionMaxRetries, Infinity);
    assert.equal(o.brokerConnectionRetryOnStartup, false);
    assert.equal(o.connectTimeoutMs, 1500);
    for (const [option, value] of [
      ["brokerConnectionMaxRetries", -1],
      ["brokerConnectionMaxRetries", 2.5],
      ["connectTimeoutMs", 0],
      ["brokerConnectionRetryOnStartup", "yes"],
    ] as const) {
      assert.throws(
        () => compileWorkerOptions({ broker: "memory://", [option]: value }, {}),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith(`${option}:`),
        `${option} = ${String(value)}`,
      );
    }
  });
});
