// Celery's TLS settings mapped to Node's TLS options (no broker): broker_use_ssl by py-amqp's and redis-py's names,
// redis_backend_use_ssl, a rediss:// URL's query; Python's CERT_* semantics; errors naming the setting. The live side
// (real TLS listeners, Python Celery) is conformance/tests/tls-brokers.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { redisBackendTls } from "../src/results/redis-backend-tls.js";
import { parseAmqpUrl } from "../src/transport/amqp/parse-amqp-url.js";
import { createTransport } from "../src/transport/create-transport.js";
import { parseRedisUrl } from "../src/transport/redis/parse-redis-url.js";
import { AMQP_TLS_SETTING_NAMES, REDIS_TLS_SETTING_NAMES, describeTlsFailure, describeTlsReset } from "../src/transport/tls/describe-tls-failure.js";
import { toAmqpTlsOptions } from "../src/transport/tls/to-amqp-tls-options.js";
import { toRedisTlsOptions } from "../src/transport/tls/to-redis-tls-options.js";

const dir = mkdtempSync(path.join(tmpdir(), "tls-options-"));
const file = (name: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, `-----BEGIN ${name}-----\n`);
  return p;
};
const CA = file("ca.pem");
const CERT = file("client.pem");
const KEY = file("client.key");
const MISSING = path.join(dir, "missing.pem");

function invalid(pattern: RegExp): (e: unknown) => boolean {
  return (e) => CeleryProtoError.is(e, "InvalidOption") && pattern.test(e.message);
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe("broker_use_ssl for an AMQP broker (py-amqp's names)", () => {
  it("maps ca_certs, certfile, keyfile, cert_reqs, server_hostname and ciphers", () => {
    const tls = toAmqpTlsOptions(
      { ca_certs: CA, certfile: CERT, keyfile: KEY, cert_reqs: 2, server_hostname: "broker.example", ciphers: "HIGH" },
      "broker_use_ssl",
    );
    assert.equal(String(tls.ca), `-----BEGIN ca.pem-----\n`);
    assert.equal(String(tls.cert), `-----BEGIN client.pem-----\n`);
    assert.equal(String(tls.key), `-----BEGIN client.key-----\n`);
    assert.deepEqual([tls.rejectUnauthorized, tls.servername, tls.ciphers], [true, "broker.example", "HIGH"]);
  });

  it("reads cert_reqs as Python's ssl module has it: CERT_NONE skips verification, CERT_OPTIONAL verifies, unset leaves Node's (verify)", () => {
    for (const none of [0, "CERT_NONE", "none"]) assert.equal(toAmqpTlsOptions({ cert_reqs: none }, "s").rejectUnauthorized, false);
    for (const verify of [1, 2, "CERT_OPTIONAL", "CERT_REQUIRED", "optional", "required"]) {
      assert.equal(toAmqpTlsOptions({ cert_reqs: verify }, "s").rejectUnauthorized, true);
    }
    assert.deepEqual(toAmqpTlsOptions({}, "s"), {});
    assert.deepEqual(toAmqpTlsOptions(true, "s"), {});
    assert.throws(() => toAmqpTlsOptions({ cert_reqs: "CERT_MAYBE" }, "broker_use_ssl"), invalid(/^broker_use_ssl\.cert_reqs: must be ssl\.CERT_REQUIRED/));
  });

  it("takes the key from certfile when keyfile is left out, as load_cert_chain does", () => {
    const tls = toAmqpTlsOptions({ certfile: CERT }, "s");
    assert.equal(String(tls.key), String(tls.cert));
    assert.throws(() => toAmqpTlsOptions({ keyfile: KEY }, "broker_use_ssl"), invalid(/broker_use_ssl\.keyfile: needs certfile/));
  });

  it("refuses keys it does not map, pointing from redis-py's names to py-amqp's", () => {
    assert.throws(() => toAmqpTlsOptions({ ssl_ca_certs: CA }, "broker_use_ssl"), invalid(/broker_use_ssl\.ssl_ca_certs: .*py-amqp.*take ca_certs/));
    assert.throws(() => toAmqpTlsOptions({ context: {} }, "broker_use_ssl"), invalid(/broker_use_ssl\.context: not an ssl option/));
  });

  it("names the setting and the file it cannot read", () => {
    assert.throws(
      () => toAmqpTlsOptions({ ca_certs: MISSING }, "broker_use_ssl"),
      invalid(/^broker_use_ssl\.ca_certs: cannot read .*missing\.pem \(ENOENT\)$/),
    );
  });

  it("turns TLS on for amqp:// URLs, with 5671 as the default port", () => {
    const [plain, given] = parseAmqpUrl("amqp://u:p@h//;amqp://u:p@g:5999/v", { tls: true });
    assert.deepEqual([plain?.protocol, plain?.port, given?.protocol, given?.port], ["amqps", 5671, "amqps", 5999]);
    assert.equal(parseAmqpUrl("amqp://h")[0]?.protocol, "amqp");
  });
});

describe("ssl options for Redis (redis-py's names): broker_use_ssl, redis_backend_use_ssl, a rediss:// query", () => {
  it("maps ssl_ca_certs, ssl_certfile, ssl_keyfile, ssl_cert_reqs and ssl_check_hostname", () => {
    const tls = toRedisTlsOptions({ ssl_ca_certs: CA, ssl_certfile: CERT, ssl_keyfile: KEY, ssl_cert_reqs: "CERT_REQUIRED", ssl_check_hostname: false }, "x.");
    assert.deepEqual([String(tls.ca), tls.rejectUnauthorized], [`-----BEGIN ca.pem-----\n`, true]);
    assert.equal(tls.checkServerIdentity?.("other.example", {} as never), undefined);
    assert.equal(toRedisTlsOptions({ ssl_check_hostname: "False" }, "x.").checkServerIdentity !== undefined, true);
    assert.equal(toRedisTlsOptions({ ssl_check_hostname: true }, "x.").checkServerIdentity, undefined);
    assert.equal(toRedisTlsOptions({ ssl_cert_reqs: 0 }, "x.").rejectUnauthorized, false);
  });

  it("refuses py-amqp's names and unreadable files, naming the setting", () => {
    assert.throws(() => toRedisTlsOptions({ ca_certs: CA }, "broker_use_ssl."), invalid(/broker_use_ssl\.ca_certs: .*redis-py.*take ssl_ca_certs/));
    assert.throws(() => toRedisTlsOptions({ ssl_certfile: MISSING }, "redis_backend_use_ssl."), invalid(/^redis_backend_use_ssl\.ssl_certfile: cannot read/));
  });

  it("reads a rediss:// URL's query as kombu does, verifying a bare rediss:// (kombu alone would not)", () => {
    const url = `rediss://:secret@h:6380/2?ssl_cert_reqs=required&ssl_ca_certs=${encodeURIComponent(CA)}`;
    const target = parseRedisUrl(url);
    const tls = target.kind === "servers" ? target.servers[0]?.tls : null;
    assert.deepEqual([tls?.rejectUnauthorized, String(tls?.ca)], [true, `-----BEGIN ca.pem-----\n`]);
    assert.throws(
      () => parseRedisUrl(`rediss://:secret@h/0?ssl_ca_certs=${MISSING}`),
      invalid(/^broker URL rediss:\/\/:\*\*@h\/0.*: ssl_ca_certs: cannot read/),
    );
  });

  it("the result backend: TLS for rediss:// or redis_backend_use_ssl, the URL's query winning, ssl_* in redis:// refused as Celery does", () => {
    assert.equal(redisBackendTls("redis://h/1", null, "redis_backend_use_ssl"), null);
    assert.deepEqual(redisBackendTls("rediss://h/1", null, "redis_backend_use_ssl"), {});
    assert.equal(redisBackendTls("redis://h/1", { ssl_cert_reqs: 2 }, "redis_backend_use_ssl")?.rejectUnauthorized, true);
    assert.equal(redisBackendTls("rediss://h/1?ssl_cert_reqs=CERT_NONE", { ssl_cert_reqs: 2 }, "redis_backend_use_ssl")?.rejectUnauthorized, false);
    assert.throws(
      () => redisBackendTls("redis://:pw@h/1?ssl_cert_reqs=required", null, "redis_backend_use_ssl"),
      invalid(/redis:\/\/:\*\*@h.*need the rediss:\/\/ scheme/),
    );
  });
});

describe("TLS settings in the configuration and at connect", () => {
  it("accepts broker_use_ssl (true or a dict) and redis_backend_use_ssl as implemented settings", () => {
    const resolved = resolveCelerySettings({ broker_use_ssl: { ca_certs: CA, cert_reqs: 2 }, redis_backend_use_ssl: { ssl_cert_reqs: "required" } });
    assert.deepEqual(resolved.warnings, []);
    assert.deepEqual(resolved.settings.broker_use_ssl, { ca_certs: CA, cert_reqs: 2 });
    assert.equal(resolveCelerySettings({ BROKER_USE_SSL: true }).settings.broker_use_ssl, true);
    assert.throws(() => resolveCelerySettings({ broker_use_ssl: "yes" }), invalid(/^broker_use_ssl: expected true, false or an object of ssl options/));
    assert.throws(() => resolveCelerySettings({ redis_backend_use_ssl: true }), invalid(/^redis_backend_use_ssl: expected an object/));
  });

  it("refuses a bad broker_use_ssl before connecting, naming it", async () => {
    await assert.rejects(
      createTransport("amqps://127.0.0.1:1", { brokerUseSsl: { ca_certs: MISSING }, settingNames: { brokerUseSsl: "broker_use_ssl" } }),
      invalid(/^broker_use_ssl\.ca_certs: cannot read/),
    );
    await assert.rejects(createTransport("redis://127.0.0.1:1", { brokerUseSsl: "on" as never }), invalid(/^brokerUseSsl: expected true, false or an object/));
  });

  it("words TLS failures with the option that fixes them; other errors are not TLS failures", () => {
    const error = (code: string, message = "x"): Error => Object.assign(new Error(message), { code });
    assert.match(describeTlsFailure(error("SELF_SIGNED_CERT_IN_CHAIN"), "h:5671", AMQP_TLS_SETTING_NAMES) ?? "", /h:5671 failed verification .*ca_certs/);
    assert.match(
      describeTlsFailure(error("ERR_TLS_CERT_ALTNAME_INVALID"), "h:6380", REDIS_TLS_SETTING_NAMES) ?? "",
      /not for this host name.*ssl_check_hostname/,
    );
    const alert = error(
      "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
      "C0:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:rec.c:1:SSL alert number 116\n",
    );
    assert.equal(
      describeTlsFailure(alert, "h:5671", AMQP_TLS_SETTING_NAMES),
      "TLS: h:5671 refused the handshake (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: tlsv13 alert certificate required); it may require a client certificate of a CA it trusts: check broker_use_ssl's certfile and keyfile",
    );
    assert.match(describeTlsFailure(error("ERR_SSL_WRONG_VERSION_NUMBER"), "h:6379", REDIS_TLS_SETTING_NAMES) ?? "", /does not speak TLS on this port/);
    assert.equal(describeTlsFailure(error("ECONNREFUSED"), "h:1", REDIS_TLS_SETTING_NAMES), null);
  });

  it("words a reset right after the handshake (TLS 1.3's lost alert) with the client certificate options; nothing else", () => {
    const error = (code: string): Error => Object.assign(new Error("read ECONNRESET"), { code });
    assert.equal(
      describeTlsReset(error("ECONNRESET"), "h:6380", REDIS_TLS_SETTING_NAMES),
      "TLS: h:6380 closed the connection right after the handshake (ECONNRESET); it may require a client certificate of a CA it trusts: check ssl_certfile and ssl_keyfile",
    );
    assert.match(describeTlsReset(error("EPIPE"), "h:5671", AMQP_TLS_SETTING_NAMES) ?? "", /broker_use_ssl's certfile and keyfile/);
    assert.equal(describeTlsReset(error("ECONNREFUSED"), "h:1", REDIS_TLS_SETTING_NAMES), null);
  });
});
