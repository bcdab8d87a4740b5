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
    assert.deepEqual(o.connectSettingNames, {
      connectTimeout: "connectTimeoutMs",
      maxRetries: "brokerConnectionMaxRetries",
      backend: "backend",
      brokerUseSsl: "brokerUseSsl",
      redisBackendUseSsl: "redisBackendUseSsl",
    });
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

  it("takes broker_use_ssl and redis_backend_use_ssl from the configuration, its errors naming them; options win", () => {
    const ssl = { ca_certs: "/etc/ssl/ca.pem", cert_reqs: 2 };
    const config = { broker_url: "amqps://h//", broker_use_ssl: ssl, redis_backend_use_ssl: { ssl_cert_reqs: "required" } };
    const o = compileWorkerOptions({ config }, {});
    assert.deepEqual([o.brokerUseSsl, o.redisBackendUseSsl], [ssl, { ssl_cert_reqs: "required" }]);
    assert.deepEqual([o.connectSettingNames.brokerUseSsl, o.connectSettingNames.redisBackendUseSsl], ["broker_use_ssl", "redis_backend_use_ssl"]);
    const given = compileWorkerOptions({ config, brokerUseSsl: true, connectSettingNames: { brokerUseSsl: "--ssl" } }, {});
    assert.deepEqual(
      [given.brokerUseSsl, given.connectSettingNames.brokerUseSsl, given.connectSettingNames.connectTimeout],
      [true, "--ssl", "connectTimeoutMs"],
    );
  });
});
