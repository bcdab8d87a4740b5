// The connection's frame reader that installHeaderDecoder puts in amqplib's place: frames cut out where they lie in
// the socket's chunks and `basic.deliver` read by decodeBasicDeliver must come out exactly as amqplib's own
// parseFrame + decodeFrame give them, however the bytes are split into chunks (no broker: a fake connection).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import type { ChannelModel } from "amqplib";
import { BASIC_DELIVER, decodeBasicDeliver } from "../src/transport/amqp/decode-basic-deliver.js";
import { installHeaderDecoder } from "../src/transport/amqp/install-header-decoder.js";

const require = createRequire(import.meta.url);
const amqplibLib = path.join(path.dirname(require.resolve("amqplib")), "lib");
const defs = require(path.join(amqplibLib, "defs.js")) as {
  encodeMethod(id: number, channel: number, fields: unknown): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: unknown): Buffer;
  BasicQosOk: number;
  BasicConsumeOk: number;
};
const frames = require(path.join(amqplibLib, "frame.js")) as {
  parseFrame(b: Buffer, max?: number): { channel: number; payload: Buffer; rest: Buffer } | false;
  decodeFrame(f: unknown): unknown;
  makeBodyFrame(channel: number, payload: Buffer): Buffer;
  HEARTBEAT_BUF: Buffer;
};

/** What amqplib's own reader makes of `bytes`, frame by frame. */
function amqplibFrames(bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  let rest = bytes;
  for (;;) {
    const frame = frames.parseFrame(rest);
    if (!frame) return out;
    out.push(frames.decodeFrame(frame));
    rest = frame.rest;
  }
}

/** A stand-in for amqplib's Connection with the reader installed, fed `chunks` one `read()` at a time. */
function fakeConnection(chunks: Buffer[], maxFrameSize = 0) {
  const queue = [...chunks];
  const connection = {
    rest: Buffer.alloc(0),
    stream: { read: (): Buffer | null => queue.shift() ?? null },
    maxFrameSize,
    recvSinceLastCheck: false,
    recvFrame: (): unknown => false,
  };
  assert.equal(installHeaderDecoder({ connection } as unknown as ChannelModel), true);
  return connection;
}

function readAll(connection: { recvFrame(): unknown }): unknown[] {
  const out: unknown[] = [];
  for (let frame = connection.recvFrame(); frame; frame = connection.recvFrame()) out.push(frame);
  return out;
}

const deliver = (tag: number, fields: Partial<{ consumerTag: string; exchange: string; routingKey: string; redelivered: boolean }> = {}) =>
  defs.encodeMethod(BASIC_DELIVER, 1, {
    consumerTag: "amq.ctag-Xq3",
    deliveryTag: tag,
    redelivered: false,
    exchange: "celery",
    routingKey: "celery",
    ...fields,
  });

/** A message as RabbitMQ sends it (deliver, content header, body) on channel 1. */
function message(tag: number, body: string, fields: Parameters<typeof deliver>[1] = {}): Buffer {
  const content = Buffer.from(body);
  return Buffer.concat([
    deliver(tag, fields),
    defs.encodeProperties(60, 1, content.length, { contentType: "application/json", headers: { task: "t.add", id: `id-${tag}` }, deliveryMode: 2 }),
    frames.makeBodyFrame(1, content),
  ]);
}

describe("decodeBasicDeliver: basic.deliver read as amqplib's decodeFrame reads it", () => {
  it("equals amqplib's reading (tags beyond 32 bits, redelivered, non-ASCII names, twice for the interned strings)", () => {
    const cases = [
      deliver(1),
      deliver(1),
      deliver(2 ** 40 + 7, { redelivered: true }),
      deliver(3, { exchange: "", routingKey: "q\u00e9ue-\u4e2d", consumerTag: "c".repeat(200) }),
    ];
    for (const bytes of cases) {
      const frame = frames.parseFrame(bytes);
      assert.ok(frame);
      const padded = Buffer.concat([Buffer.from([9, 9, 9]), frame.payload, Buffer.from([9])]);
      assert.deepEqual(decodeBasicDeliver(frame.channel, padded, 3, 3 + frame.payload.length), frames.decodeFrame(frame));
    }
  });

  it("hands other methods and truncated payloads back to amqplib (null)", () => {
    const frame = frames.parseFrame(deliver(5));
    assert.ok(frame);
    for (let cut = 0; cut < frame.payload.length; cut++) assert.equal(decodeBasicDeliver(1, frame.payload, 0, cut), null, `cut at ${cut}`);
    const qosOk = frames.parseFrame(defs.encodeMethod(defs.BasicQosOk, 1, {}));
    assert.ok(qosOk);
    assert.equal(decodeBasicDeliver(1, qosOk.payload, 0, qosOk.payload.length), null);
  });
});

describe("installHeaderDecoder: the connection's frame reader", () => {
  const stream = Buffer.concat([
    defs.encodeMethod(defs.BasicConsumeOk, 1, { consumerTag: "amq.ctag-Xq3" }),
    message(1, '[[], {}, {"callbacks": null}]'),
    frames.HEARTBEAT_BUF,
    message(2, "x".repeat(300), { redelivered: true }),
    message(3, ""),
    message(2 ** 35, "\u00e9t\u00e9"),
  ]);
  const expected = amqplibFrames(stream);

  it("reads every frame as amqplib does, whatever the chunk boundaries", () => {
    for (const size of [1, 2, 7, 8, 13, 64, 257, stream.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const connection = fakeConnection(chunks);
      assert.deepEqual(readAll(connection), expected, `chunks of ${size} bytes`);
      assert.equal(connection.rest.length, 0, "nothing left unread");
      assert.equal(connection.recvSinceLastCheck, true);
    }
  });

  it("keeps a partial frame for the next read and says so in amqplib's `rest`", () => {
    const cut = stream.length - 5;
    const connection = fakeConnection([stream.subarray(0, cut)]);
    assert.deepEqual(readAll(connection), expected.slice(0, -1));
    assert.ok(connection.rest.length > 0 && connection.rest.equals(stream.subarray(cut - connection.rest.length, cut)));
  });

  it("refuses an oversized frame and a bad frame end with amqplib's errors", () => {
    const body = frames.makeBodyFrame(1, Buffer.alloc(100));
    assert.throws(() => fakeConnection([body], 50).recvFrame(), { message: "Frame size 100 exceeds maxFrameSize 50" });
    const broken = Buffer.from(body);
    broken[broken.length - 1] = 0;
    assert.throws(() => fakeConnection([broken]).recvFrame(), { message: "Invalid frame" });
  });
});
