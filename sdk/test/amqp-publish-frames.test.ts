// The publish frames we encode ourselves must be byte for byte what amqplib writes for the same publish through
// toPublishOptions (the path they replace): checked here against amqplib's own method, properties and body encoders.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { ConfirmChannel } from "amqplib";
import type { AmqpProperties } from "../src/codec/amqp/amqp-message.js";
import { PyDecimal, pyFloat } from "../src/codec/json/python-values.js";
import { PyTuple } from "../src/codec/repr/safe-repr.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { encodeFieldTable } from "../src/transport/amqp/encode-field-table.js";
import { encodePublishFrames, setFramesChannel } from "../src/transport/amqp/encode-publish-frames.js";
import { ConfirmPublisher } from "../src/transport/amqp/confirm-publisher.js";
import { createEncodedPublishSender } from "../src/transport/amqp/encoded-publish-sender.js";
import type { PendingPublish } from "../src/transport/amqp/publish-queue.js";
import { toPublishOptions } from "../src/transport/amqp/to-publish-options.js";

const amqplibLib = path.join(path.dirname(createRequire(import.meta.url).resolve("amqplib")), "lib");
const require = createRequire(import.meta.url);
const defs = require(path.join(amqplibLib, "defs.js")) as {
  BasicPublish: number;
  BasicProperties: number;
  encodeMethod(id: number, channel: number, fields: unknown): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: unknown): Buffer;
};
const frame = require(path.join(amqplibLib, "frame.js")) as { makeBodyFrame(channel: number, payload: Buffer): Buffer };
const args = require(path.join(amqplibLib, "api_args.js")) as { publish(exchange: string, routingKey: string, options: unknown): unknown };

/** What amqplib's `sendMessage` + `sendContent` write for `channel.publish(...)`, all frames concatenated. */
function amqplibBytes(channel: number, exchange: string, routingKey: string, properties: AmqpProperties, body: Buffer, deliveryMode?: 1 | 2): Buffer {
  const fields = args.publish(exchange, routingKey, toPublishOptions(properties, deliveryMode));
  const parts = [defs.encodeMethod(defs.BasicPublish, channel, fields), defs.encodeProperties(defs.BasicProperties, channel, body.length, fields)];
  for (let at = 0; at < body.length; at += 131_072 - 8) parts.push(frame.makeBodyFrame(channel, body.subarray(at, at + 131_072 - 8)));
  return Buffer.concat(parts);
}

/** Our frames for the same publish, with the body frames amqplib's `sendContent` adds when they are not inline. */
function ourBytes(channel: number, exchange: string, routingKey: string, properties: AmqpProperties, body: Buffer, deliveryMode?: 1 | 2): Buffer {
  const p = encodePublishFrames(exchange, routingKey, properties, body, deliveryMode);
  setFramesChannel(p, channel);
  const parts = [p.frames];
  if (p.bodyAt < 0) for (let at = 0; at < body.length; at += 131_072 - 8) parts.push(frame.makeBodyFrame(channel, body.subarray(at, at + 131_072 - 8)));
  return Buffer.concat(parts);
}

const celeryHeaders = {
  lang: "py",
  task: "tasks.add",
  id: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8",
  shadow: null,
  eta: null,
  expires: null,
  group: null,
  group_index: null,
  retries: 0,
  timelimit: [null, null],
  root_id: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8",
  parent_id: null,
  argsrepr: "(2, 2)",
  kwargsrepr: "{}",
  origin: "gen123@h\u00f4te",
  ignore_result: false,
  replaced_task_nesting: 0,
  stamped_headers: null,
  stamps: {},
};

describe("encodePublishFrames: the bytes amqplib writes for the same publish", () => {
  const isCode = (code: Parameters<typeof CeleryProtoError.is>[1]) => (e: unknown) => CeleryProtoError.is(e, code);

  it("equals amqplib for a Celery task message on several channels, and after the channel changes", () => {
    const properties: AmqpProperties = {
      content_type: "application/json",
      content_encoding: "utf-8",
      correlation_id: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8",
      reply_to: "0b6b4d1e-1c5e-3f4b-8a53-5cbb3fc2a0f0",
      delivery_mode: 2,
      priority: 0,
      headers: celeryHeaders,
    };
    const body = Buffer.from('[[2, 2], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]');
    const p = encodePublishFrames("", "celery", properties, body);
    for (const channel of [1, 2, 300, 65_535]) {
      setFramesChannel(p, channel);
      assert.deepEqual(p.frames, amqplibBytes(channel, "", "celery", properties, body), `channel ${channel}`);
    }
  });

  it("equals amqplib for every basic property, the exchange's delivery mode, and no properties at all", () => {
    const all: AmqpProperties = {
      content_type: "application/x-python-serialize",
      content_encoding: "binary",
      headers: { a: 1 },
      delivery_mode: 1,
      priority: 255,
      correlation_id: "c",
      reply_to: "r\u00e9ply",
      expiration: "60000",
      message_id: "m",
      timestamp: 1_738_324_805,
      type: "t",
      user_id: "guest",
      app_id: "app",
      body_encoding: "base64",
      delivery_info: { exchange: "" },
    };
    const body = Buffer.from("x");
    for (const [properties, mode] of [
      [all, undefined],
      [{ ...all, delivery_mode: undefined }, 2],
      [{ expiration: 1500 } as never, 1],
      [{ timestamp: new Date(1_700_000_000_999) } as never, undefined],
      [{}, undefined],
      [{ headers: null } as never, undefined],
    ] as const) {
      assert.deepEqual(ourBytes(5, "ex\u00e7", "rk.\u00fc", properties, body, mode), amqplibBytes(5, "ex\u00e7", "rk.\u00fc", properties, body, mode));
    }
  });

  it("equals amqplib for header values of every type encodeFieldTable maps", () => {
    const headers = {
      small: 7,
      neg: -128,
      i16: 40_000,
      i32: 2_147_483_647,
      i32neg: -2_147_483_647,
      beyond32: 2_147_483_648,
      safe: Number.MAX_SAFE_INTEGER,
      negSafe: -Number.MAX_SAFE_INTEGER,
      big: 2n ** 62n,
      bigSmall: 5n,
      bigNeg: -(2n ** 63n),
      frac: 1.5,
      negZero: -0,
      huge: 1e300,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      pyFloat: pyFloat(2),
      dec: new PyDecimal("-1.25"),
      decExp: new PyDecimal("12E+3"),
      bytes: new Uint8Array([0, 255, 7]),
      date: new Date("2025-01-31T12:00:05.900Z"),
      none: null,
      yes: true,
      no: false,
      text: "caf\u00e9 \u{1f600}",
      empty: "",
      list: [1, "a", null, [true, { x: 2 }]],
      tuple: new PyTuple([1, 2]),
      nested: { deep: { deeper: { deepest: [] } } },
      nullProto: Object.assign(Object.create(null) as Record<string, unknown>, { k: "v" }),
      skipped: undefined,
      "42": "integer keys first, as for..in and Object.entries order them",
      "key/with~pointer": 1,
    };
    const body = Buffer.from("{}");
    assert.deepEqual(ourBytes(1, "", "q", { headers }, body), amqplibBytes(1, "", "q", { headers }, body));
    assert.ok(Object.keys(encodeFieldTable(headers)).length >= 30, "the typed path accepts the same table");
  });

  it("equals amqplib for bodies that do not fit one frame of the minimum size, and for an empty body", () => {
    for (const size of [0, 4087, 4088, 4089, 10_000, 300_000]) {
      const body = Buffer.alloc(size, 0x61);
      const p = encodePublishFrames("", "q", { content_type: "text/plain" }, body);
      assert.equal(p.bodyAt >= 0, size > 0 && size <= 4088, `size ${size} inline`);
      assert.deepEqual(
        ourBytes(9, "", "q", { content_type: "text/plain" }, body),
        amqplibBytes(9, "", "q", { content_type: "text/plain" }, body),
        `size ${size}`,
      );
    }
  });

  it("refuses what toPublishOptions and encodeFieldTable refuse, with the same messages", () => {
    const cases: AmqpProperties[] = [
      { content_type: 5 } as never,
      { priority: 256 },
      { delivery_mode: 0.5 } as never,
      { expiration: {} } as never,
      { timestamp: -1 } as never,
      { message_id: "x".repeat(256) },
      { headers: { n: 2n ** 64n } },
      { headers: { deep: { u: [undefined] } } },
      { headers: { [`${"k".repeat(300)}/~`]: 1 } },
      { headers: { s: Symbol("s") } } as never,
      { headers: { m: new Map() } },
      { headers: { d: new Date(Number.NaN) } },
      { headers: { dec: new PyDecimal("1e400") } },
    ];
    for (const properties of cases) {
      let expected: unknown;
      try {
        toPublishOptions(properties);
      } catch (e) {
        expected = e;
      }
      assert.ok(expected instanceof CeleryProtoError, JSON.stringify(Object.keys(properties)));
      assert.throws(
        () => encodePublishFrames("", "q", properties, Buffer.alloc(0)),
        (e: unknown) => e instanceof CeleryProtoError && e.code === "EncodeError" && e.message === expected.message,
      );
    }
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = { again: [cyclic] };
    assert.throws(() => encodePublishFrames("", "q", { headers: cyclic }, Buffer.alloc(0)), /\/headers\/self\/again\/0 is a cyclic structure/);
    assert.throws(() => encodePublishFrames("x".repeat(256), "q", {}, Buffer.alloc(0)), isCode("EncodeError"));
    assert.throws(() => encodePublishFrames("", "q", { headers: { big: "x".repeat(70_000) } }, Buffer.alloc(0)), /over amqplib's 65536 byte field-table limit/);
    // The writer is shared: a refused message leaves nothing behind for the next one.
    const body = Buffer.from("ok");
    assert.deepEqual(ourBytes(1, "", "q", { headers: celeryHeaders }, body), amqplibBytes(1, "", "q", { headers: celeryHeaders }, body));
  });
});

describe("ConfirmPublisher when amqplib's internals differ", () => {
  it("publishes through amqplib's own publish with toPublishOptions, and confirms as before", async () => {
    const calls: unknown[][] = [];
    const channel = Object.assign(new EventEmitter(), {
      publish: (...a: unknown[]) => {
        calls.push(a.slice(0, 4));
        setImmediate(() => (a[4] as (err: unknown) => void)(null)); // the broker's basic.ack comes later
        return true;
      },
    });
    assert.equal(createEncodedPublishSender(channel as unknown as ConfirmChannel, true), null, "no ch/connection: no encoded sender");
    const publisher = new ConfirmPublisher(channel as unknown as ConfirmChannel, true, { onWritable: () => {}, onClosed: () => {} });
    const properties: AmqpProperties = { content_type: "application/json", headers: { retries: 1 } };
    const content = Buffer.from("[]");
    const confirmed = new Promise<void>((resolve, reject) => {
      const p: PendingPublish = {
        exchange: "",
        routingKey: "celery",
        content,
        encoded: encodePublishFrames("", "celery", properties, content, 2),
        properties,
        defaultDeliveryMode: 2,
        resolve,
        reject,
        channelFailures: 0,
      };
      assert.equal(publisher.send(p), true);
    });
    await confirmed;
    assert.deepEqual(calls, [["", "celery", content, toPublishOptions(properties, 2)]]);
  });
});
