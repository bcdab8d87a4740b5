// The AMQP transport's pure parts (no broker): URL semantics, backoff, header-table typing both ways, property
// mapping, option compilation, and the bounded publish buffer of a transport that has no connection.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import { PyDecimal, PyUuid, pyFloat } from "../src/codec/json/python-values.js";
import { PyTuple } from "../src/codec/repr/safe-repr.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { AmqpTransport } from "../src/transport/amqp/amqp-transport.js";
import { compileAmqpTransportOptions, DEFAULT_AMQP_TRANSPORT_OPTIONS } from "../src/transport/amqp/amqp-transport-options.js";
import { decodeBasicHeaderFrame } from "../src/transport/amqp/decode-basic-header-frame.js";
import { decodeFieldTable } from "../src/transport/amqp/decode-field-table.js";
import { resolveQueueDeclaration } from "../src/transport/amqp/declare-amqp-entities.js";
import { encodeFieldTable } from "../src/transport/amqp/encode-field-table.js";
import { createExponentialBackoff } from "../src/transport/amqp/exponential-backoff.js";
import { parseAmqpUrl } from "../src/transport/amqp/parse-amqp-url.js";
import { PublishQueue, type PendingPublish } from "../src/transport/amqp/publish-queue.js";
import { toPublishOptions } from "../src/transport/amqp/to-publish-options.js";

const isCode = (code: Parameters<typeof CeleryProtoError.is>[1]) => (e: unknown) => CeleryProtoError.is(e, code);

describe("parseAmqpUrl (kombu semantics; the differential test against kombu is in conformance/tests)", () => {
  it("applies kombu's defaults and decodes the vhost", () => {
    const [e] = parseAmqpUrl("amqp://");
    assert.deepEqual(
      { ...e, display: undefined },
      { protocol: "amqp", hostname: "localhost", port: 5672, username: "guest", password: "guest", vhost: "/", display: undefined },
    );
    const vhosts = ["amqp://h", "amqp://h/", "amqp://h//", "amqp://h/%2F", "amqp://h/x", "amqp://h/a/b", "amqp://h/v%20h", "amqp://h/x?heartbeat=5#frag"].map(
      (u) => parseAmqpUrl(u)[0]!.vhost,
    );
    assert.deepEqual(vhosts, ["/", "/", "/", "/", "x", "a/b", "v h", "x"]);
  });

  it("reads user, password (percent-decoded), IPv6 hosts, ports, and the scheme aliases", () => {
    const [a] = parseAmqpUrl("pyamqp://us%40r:p%3Ass:w@[::1]:5683/celery-proto");
    assert.deepEqual([a!.protocol, a!.username, a!.password, a!.hostname, a!.port, a!.vhost], ["amqp", "us@r", "p:ss:w", "::1", 5683, "celery-proto"]);
    assert.equal(a!.display, "pyamqp://us%40r:**@[::1]:5683/celery-proto", "the password is masked");
    assert.equal(parseAmqpUrl("librabbitmq://h")[0]!.protocol, "amqp");
    const [s] = parseAmqpUrl("AMQPS://User@Host.Example");
    assert.deepEqual([s!.protocol, s!.port, s!.hostname, s!.username, s!.password], ["amqps", 5671, "host.example", "User", "guest"]);
  });

  it("splits ';' failover lists; alternates inherit port and vhost (not credentials) from the one before, as kombu's switch()", () => {
    const list = parseAmqpUrl("amqp://u:p@h1:1234/vh; amqp://h2 ;amqps://h3:99;");
    assert.deepEqual(
      list.map((e) => [e.protocol, e.hostname, e.port, e.username, e.password, e.vhost]),
      [
        ["amqp", "h1", 1234, "u", "p", "vh"],
        ["amqp", "h2", 1234, "guest", "guest", "vh"],
        ["amqps", "h3", 99, "guest", "guest", "vh"],
      ],
    );
  });

  it("refuses non-AMQP schemes and bad ports with InvalidOption naming url", () => {
    for (const bad of ["redis://localhost", "localhost:5672", "amqp://h:99999/", "amqp://h:x/", "", " ; "]) {
      assert.throws(
        () => parseAmqpUrl(bad),
        (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("url:"),
        bad,
      );
    }
  });
});

describe("createExponentialBackoff", () => {
  it("doubles from the initial delay up to the cap, jitter only ever shortening the delay", () => {
    const exact = createExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    assert.deepEqual([1, 2, 3, 4, 5, 50].map(exact), [100, 200, 400, 800, 1000, 1000]);
    const low = createExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0.999999 });
    assert.deepEqual([1, 5].map(low), [50, 500]);
    const defaults = createExponentialBackoff();
    for (let i = 1; i < 40; i++) assert.ok(defaults(i) <= 10_000 && defaults(i) >= 80);
  });

  it("refuses inconsistent settings with InvalidOption", () => {
    assert.throws(() => createExponentialBackoff({ initialDelayMs: 10, maxDelayMs: 5 }), isCode("InvalidOption"));
    assert.throws(() => createExponentialBackoff({ jitter: 2 }), isCode("InvalidOption"));
  });
});

describe("encodeFieldTable: JS values → the AMQP field types py-amqp writes", () => {
  it("types ints as py-amqp does (I within ±(2^31-1), 64-bit beyond), floats as d, and marks the rest", () => {
    const table = encodeFieldTable({
      small: 5,
      i32: 2 ** 31 - 1,
      i32low: -(2 ** 31),
      big: 2 ** 40,
      bigint: 2n ** 62n,
      smallBigint: 7n,
      frac: 1.5,
      float: pyFloat(2),
      negZero: -0,
      unsafe: 2 ** 60,
      nan: NaN,
      none: null,
      undef: undefined,
      t: true,
      s: "x",
      list: [1, [null]],
      tuple: new PyTuple([1, "a"]),
      nested: { a: { b: 1 } },
      bytes: new Uint8Array([255, 0]),
      date: new Date("2025-01-31T12:00:05.900Z"),
      dec: new PyDecimal("-1.25"),
      decExp: new PyDecimal("1E+3"),
    });
    assert.deepEqual(table["small"], { "!": "int", value: 5 });
    assert.deepEqual(table["i32"], { "!": "int", value: 2 ** 31 - 1 });
    assert.deepEqual(table["i32low"], { "!": "long", value: -(2n ** 31n) }, "py-amqp writes -2^31 as L (its bound is ±(2^31-1))");
    assert.deepEqual(table["big"], { "!": "long", value: 2n ** 40n });
    assert.deepEqual(table["bigint"], { "!": "long", value: 2n ** 62n });
    assert.deepEqual(table["smallBigint"], { "!": "int", value: 7 });
    assert.deepEqual(table["frac"], { "!": "double", value: 1.5 });
    assert.deepEqual(table["float"], { "!": "double", value: 2 });
    assert.deepEqual(table["negZero"], { "!": "double", value: -0 });
    assert.deepEqual(table["unsafe"], { "!": "double", value: 2 ** 60 }, "like the codec's JSON writer: unsafe integral numbers are floats");
    assert.deepEqual(table["nan"], { "!": "double", value: NaN });
    assert.equal(table["none"], null);
    assert.equal("undef" in table, false);
    assert.deepEqual(table["list"], [{ "!": "int", value: 1 }, [null]]);
    assert.deepEqual(table["tuple"], [{ "!": "int", value: 1 }, "a"]);
    assert.deepEqual(table["nested"], { a: { b: { "!": "int", value: 1 } } });
    assert.ok(Buffer.isBuffer(table["bytes"]) && (table["bytes"] as Buffer).equals(Buffer.from([255, 0])));
    assert.deepEqual(table["date"], { "!": "timestamp", value: 1738324805 }, "whole seconds, as py-amqp writes datetimes");
    assert.deepEqual(table["dec"], { "!": "decimal", value: { places: 2, digits: 2 ** 32 - 125 } }, "negative digits as two's complement");
    assert.deepEqual(table["decExp"], { "!": "decimal", value: { places: 0, digits: 1000 } });
  });

  it("refuses what py-amqp cannot read with EncodeError naming the JSON pointer", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ a: { b: 2n ** 64n } }, "/headers/a/b"],
      [{ a: [1, undefined] }, "/headers/a/1"],
      [{ u: new PyUuid("12345678-1234-5678-1234-567812345678") }, "/headers/u"],
      [{ m: new Map() }, "/headers/m"],
      [{ f: () => 1 }, "/headers/f"],
      [{ s: Symbol("x") }, "/headers/s"],
      [{ d: new Date(-1000) }, "/headers/d"],
      [{ d: new PyDecimal("NaN") }, "/headers/d"],
      [{ d: new PyDecimal("12345678901.5") }, "/headers/d"],
      [{ ["k".repeat(256)]: 1 }, "/headers/kkkkkkkkkkkkkkkkkkkk..."],
    ];
    for (const [value, path] of cases) {
      assert.throws(
        () => encodeFieldTable(value),
        (e) => CeleryProtoError.is(e, "EncodeError") && e.details[0]?.path === path,
        path,
      );
    }
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    assert.throws(() => encodeFieldTable(cyclic), isCode("EncodeError"));
  });
});

describe("decodeFieldTable: py-amqp's reader, for tables amqplib cannot read", () => {
  /** Builds a field table the way py-amqp would write one, from [key, tag, payload bytes]. */
  function table(...fields: Array<[string, string, Buffer]>): Buffer {
    return Buffer.concat(fields.map(([k, tag, payload]) => Buffer.concat([Buffer.from([k.length]), Buffer.from(k), Buffer.from(tag), payload])));
  }
  const i64 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    return b;
  };

  it("reads L (py-amqp's 64-bit int) exactly, D signed, S non-UTF-8 as bytes, T as Date", () => {
    const dec = Buffer.alloc(5);
    dec.writeUInt8(2, 0);
    dec.writeInt32BE(-125, 1);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(1738324805n);
    const short = Buffer.alloc(2);
    short.writeInt16BE(-2);
    const bytes = table(
      ["big", "L", i64(2n ** 40n)],
      ["huge", "L", i64(2n ** 62n)],
      ["neg", "l", i64(-5n)],
      ["dec", "D", dec],
      ["bin", "S", Buffer.concat([u32(2), Buffer.from([0xff, 0x00])])],
      ["txt", "S", Buffer.concat([u32(5), Buffer.from("caf\u00e9")])],
      ["ts", "T", ts],
      ["U", "U", short],
      ["none", "V", Buffer.alloc(0)],
      ["arr", "A", Buffer.concat([u32(7), Buffer.from("I"), Buffer.from([0, 0, 0, 7]), Buffer.from("t"), Buffer.from([1])])],
    );
    const out = decodeFieldTable(bytes);
    assert.equal(out["big"], 2 ** 40);
    assert.equal(out["huge"], 2n ** 62n, "beyond 2^53 stays exact as bigint");
    assert.equal(out["neg"], -5);
    assert.ok(out["dec"] instanceof PyDecimal && out["dec"].value === "-1.25");
    assert.deepEqual(out["bin"], new Uint8Array([0xff, 0x00]));
    assert.equal(out["txt"], "caf\u00e9");
    assert.deepEqual(out["ts"], new Date("2025-01-31T12:00:05Z"));
    assert.equal(out["U"], -2);
    assert.equal(out["none"], null);
    assert.deepEqual(out["arr"], [7, true]);
  });

  it("refuses unknown tags and truncated tables with DecodeError, and stores __proto__ as data", () => {
    assert.throws(() => decodeFieldTable(table(["x", "Z", Buffer.alloc(0)])), isCode("DecodeError"));
    assert.throws(() => decodeFieldTable(table(["x", "I", Buffer.from([0, 0])])), isCode("DecodeError"));
    const proto = decodeFieldTable(table(["__proto__", "t", Buffer.from([1])]));
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ["__proto__"]);
  });
});

describe("decodeBasicHeaderFrame: a content-header frame read in one pass, as amqplib's decodeFrame reads it", () => {
  const amqplibLib = path.join(path.dirname(createRequire(import.meta.url).resolve("amqplib")), "lib");
  const require = createRequire(import.meta.url);
  const defs = require(path.join(amqplibLib, "defs.js")) as { encodeProperties(id: number, channel: number, size: number, fields: unknown): Buffer };
  const frames = require(path.join(amqplibLib, "frame.js")) as {
    parseFrame(b: Buffer): { channel: number; payload: Buffer };
    decodeFrame(f: unknown): unknown;
  };
  const payloadOf = (size: number, fields: Record<string, unknown>) => frames.parseFrame(defs.encodeProperties(60, 3, size, fields));

  it("equals amqplib's reading for every property, twice in a row (interned strings) and with non-ASCII text", () => {
    const all = {
      contentType: "application/json",
      contentEncoding: "utf-8",
      headers: { lang: "py", task: "t\u00e2che.add", id: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8", retries: 3, timelimit: [null, 5] },
      deliveryMode: 2,
      priority: 7,
      correlationId: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8",
      replyTo: "r\u00e9ply",
      expiration: "60000",
      messageId: "m-1",
      timestamp: 1_738_324_805,
      type: "task",
      userId: "guest",
      appId: "app",
      clusterId: "c",
    };
    for (const fields of [all, all, { contentType: "text/plain" }, {}]) {
      const frame = payloadOf(2 ** 33 + 5, fields);
      assert.deepEqual(decodeBasicHeaderFrame(frame.channel, frame.payload), frames.decodeFrame(frame));
    }
  });

  it("hands frames it cannot read back to amqplib (null) and turns an undecodable table into a string", () => {
    const frame = payloadOf(10, { contentType: "application/json", headers: { q: 1 }, correlationId: "abc" });
    assert.equal(decodeBasicHeaderFrame(3, frame.payload.subarray(0, frame.payload.length - 2)), null, "truncated short string");
    const other = Buffer.from(frame.payload);
    other.writeUInt16BE(50, 0);
    assert.equal(decodeBasicHeaderFrame(3, other), null, "not class basic");
    const badTag = Buffer.from(frame.payload);
    badTag[badTag.indexOf(Buffer.from([1, "q".charCodeAt(0)])) + 2] = "Z".charCodeAt(0); // key length 1, "q", then its tag
    const decoded = decodeBasicHeaderFrame(3, badTag);
    assert.match(String(decoded?.fields.headers), /^undecodable AMQP header table: .*unknown field type tag "Z"/);
    assert.equal(decoded?.fields.correlationId, "abc", "the properties after the table are still read");
  });
});

describe("toPublishOptions: wire property names → amqplib", () => {
  it("maps every basic property, applies the exchange's delivery mode, and ignores Redis-only properties", () => {
    const options = toPublishOptions(
      {
        content_type: "application/json",
        content_encoding: "utf-8",
        correlation_id: "c",
        reply_to: "r",
        priority: 3,
        expiration: "1000",
        message_id: "m",
        type: "t",
        user_id: "guest",
        app_id: "a",
        timestamp: 1700000000,
        headers: { a: 1 },
        body_encoding: "base64",
        delivery_info: { exchange: "" },
      },
      1,
    );
    assert.deepEqual(options, {
      contentType: "application/json",
      contentEncoding: "utf-8",
      correlationId: "c",
      replyTo: "r",
      messageId: "m",
      type: "t",
      userId: "guest",
      appId: "a",
      deliveryMode: 1,
      priority: 3,
      expiration: "1000",
      timestamp: 1700000000,
      headers: { a: { "!": "int", value: 1 } },
    });
    assert.equal(toPublishOptions({ delivery_mode: 2 }, 1).deliveryMode, 2, "the message's own delivery mode wins");
    assert.equal(toPublishOptions({ expiration: 60000 } as never).expiration, "60000");
  });

  it("refuses values AMQP cannot carry with EncodeError naming the property", () => {
    assert.throws(
      () => toPublishOptions({ priority: 256 }),
      (e) => CeleryProtoError.is(e, "EncodeError") && e.message.includes("priority"),
    );
    assert.throws(
      () => toPublishOptions({ correlation_id: "x".repeat(256) }),
      (e) => CeleryProtoError.is(e, "EncodeError") && e.message.includes("correlation_id"),
    );
    assert.throws(() => toPublishOptions({ content_type: 5 } as never), isCode("EncodeError"));
  });
});

describe("declarations", () => {
  it("resolves Celery's defaults and kombu's argument types", () => {
    const d = resolveQueueDeclaration({ name: "q", maxPriority: 10, expiresMs: 10_000.7 });
    assert.deepEqual(d, {
      name: "q",
      durable: true,
      exclusive: false,
      autoDelete: false,
      routingKey: "q",
      arguments: { "x-expires": { "!": "int", value: 10_000 }, "x-max-priority": { "!": "int", value: 10 } },
      exchange: { name: "q", type: "direct", durable: true, autoDelete: false, arguments: {} },
      bindingArguments: {},
      bindings: [],
      noDeclare: false,
    });
    assert.equal(resolveQueueDeclaration({ name: "q", exchange: null }).exchange, null);
    assert.throws(() => resolveQueueDeclaration({ name: "q", queueType: "quorum", autoDelete: true }), isCode("InvalidOption"));
    assert.throws(() => resolveQueueDeclaration({ name: "" }), isCode("InvalidOption"));
  });
});

describe("options and the publish buffer (no broker)", () => {
  it("compiles defaults and names the option in every refusal", () => {
    const o = compileAmqpTransportOptions({ url: "amqp://a;amqp://b" });
    assert.equal(o.maxBufferedPublishes, DEFAULT_AMQP_TRANSPORT_OPTIONS.maxBufferedPublishes);
    assert.equal(o.initialConnectAttempts, 2, "each alternate once");
    assert.ok(Object.isFrozen(o));
    for (const [key, value] of [
      ["maxBufferedPublishes", -1],
      ["connectTimeoutMs", 0],
      ["heartbeatSeconds", 1.5],
      ["globalQos", "yes"],
    ] as const) {
      assert.throws(
        () => compileAmqpTransportOptions({ url: "amqp://", [key]: value } as never),
        (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.includes(key),
        key,
      );
    }
  });

  it("holds at most maxBufferedPublishes while disconnected, rejects the overflow with BufferOverflow, and close() rejects the held ones with TransportClosed", async () => {
    const transport = new AmqpTransport(compileAmqpTransportOptions({ url: "amqp://127.0.0.1:1/", maxBufferedPublishes: 3 }));
    const message = { exchange: "", routingKey: "q", body: new Uint8Array([1]), properties: { delivery_mode: 2 } };
    const held = [transport.publish(message), transport.publish(message), transport.publish(message)];
    const settled = held.map((p) =>
      p.then(
        () => "resolved",
        (e: unknown) => e,
      ),
    );
    assert.equal(transport.bufferedPublishes, 3);
    await assert.rejects(transport.publish(message), (e) => CeleryProtoError.is(e, "BufferOverflow") && e.message.includes("maxBufferedPublishes"));
    await assert.rejects(
      transport.publish({ ...message, properties: { headers: { x: 2n ** 70n } } }),
      isCode("EncodeError"),
      "encoding errors are immediate, not buffered",
    );
    await transport.close();
    for (const outcome of await Promise.all(settled)) assert.ok(CeleryProtoError.is(outcome, "TransportClosed"));
    await assert.rejects(transport.publish(message), isCode("TransportClosed"));
  });

  it("PublishQueue keeps FIFO order across shift, unshiftAll and compaction", () => {
    const q = new PublishQueue();
    const make = (n: number): PendingPublish => ({
      exchange: "",
      routingKey: String(n),
      content: Buffer.alloc(0),
      encoded: { frames: Buffer.alloc(0), headerAt: 0, bodyAt: -1 },
      properties: {},
      defaultDeliveryMode: undefined,
      resolve: () => {},
      reject: () => {},
      channelFailures: 0,
    });
    for (let i = 0; i < 3000; i++) q.push(make(i));
    for (let i = 0; i < 2500; i++) assert.equal(q.shift()!.routingKey, String(i));
    q.unshiftAll([make(-2), make(-1)]);
    assert.equal(q.length, 502);
    assert.deepEqual(
      q
        .drain()
        .slice(0, 3)
        .map((p) => p.routingKey),
      ["-2", "-1", "2500"],
    );
    assert.equal(q.length, 0);
    assert.equal(q.shift(), undefined);
  });
});
