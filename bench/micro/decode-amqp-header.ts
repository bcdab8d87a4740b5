// Micro-benchmark of the AMQP transport's frame reader: a chunk of 50 deliveries (deliver, header, body frames), and the header frame of a Python Celery 5.7 task
// message (golden vector simple-call: its properties and 19 headers) read through `installHeaderDecoder`'s
// `recvFrame` on a stand-in amqplib connection, next to amqplib's own frame decoder. Prints ops/s and µs/op in CPU time.
// Usage: node --import tsx bench/micro/decode-amqp-header.ts [sdk-src-dir=sdk/src] [seconds-per-case=2]
// Pass another sdk/src (e.g. `git archive <commit> sdk | tar -x -C .tmp/base`) to compare; alternate the runs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SDK = path.resolve(ROOT, process.argv[2] ?? "sdk/src");
const SECONDS = Number(process.argv[3] ?? 2);

const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(SDK, file)).href)) as T;
const { installHeaderDecoder } = await load<{ installHeaderDecoder: (model: unknown) => boolean }>("transport/amqp/install-header-decoder.ts");
const { encodeFieldTable } = await load<{ encodeFieldTable: (t: Record<string, unknown>) => unknown }>("transport/amqp/encode-field-table.ts");

const require = createRequire(import.meta.url);
const amqplibLib = path.join(path.dirname(require.resolve("amqplib")), "lib");
const defs = require(path.join(amqplibLib, "defs.js")) as {
  encodeProperties(id: number, channel: number, size: number, fields: unknown): Buffer;
  encodeMethod(id: number, channel: number, fields: unknown): Buffer;
  BasicDeliver: number;
};
const frames = require(path.join(amqplibLib, "frame.js")) as {
  parseFrame(b: Buffer): { payload: Buffer; rest: Buffer } | false;
  decodeFrame(f: unknown): unknown;
  makeBodyFrame(channel: number, payload: Buffer): Buffer;
};

const vector = JSON.parse(readFileSync(path.join(ROOT, "conformance/vectors/5.7.0/amqp/simple-call.json"), "utf8")) as {
  messages: { properties: Record<string, unknown> & { headers: Record<string, unknown> } }[];
};
const p = vector.messages[0]!.properties;
const headerFrame = defs.encodeProperties(60, 1, 120, {
  contentType: p["content_type"],
  contentEncoding: p["content_encoding"],
  headers: encodeFieldTable(p.headers),
  deliveryMode: p["delivery_mode"],
  priority: p["priority"],
  correlationId: p["correlation_id"],
  replyTo: p["reply_to"],
});

/** A stand-in for amqplib's Connection with just what its `recvFrame` touches: its socket delivers one header frame. */
let incoming: Buffer | null = null;
const read = (): Buffer | null => {
  const chunk = incoming;
  incoming = null;
  return chunk;
};
const connection = { rest: Buffer.alloc(0), stream: { read }, recvSinceLastCheck: false, recvFrame: (): unknown => false };
if (!installHeaderDecoder({ connection })) throw new Error("installHeaderDecoder refused the stand-in connection");
const readOne = (): unknown => {
  incoming = headerFrame;
  return connection.recvFrame();
};
const check = readOne() as { fields?: { headers?: Record<string, unknown>; correlationId?: unknown } };
if (check.fields?.headers?.["task"] !== "conformance.add" || check.fields.correlationId !== p["correlation_id"])
  throw new Error("the header frame did not decode");

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function measure(name: string, run: () => unknown): void {
  for (let i = 0; i < 5000; i++) run(); // warm up
  let ops = 0;
  const t0 = cpuMicros();
  while (cpuMicros() - t0 < SECONDS * 1e6) {
    for (let i = 0; i < 500; i++) run();
    ops += 500;
  }
  const micros = cpuMicros() - t0;
  console.log(`${name.padEnd(48)} ${((ops / micros) * 1e6).toFixed(0).padStart(8)} ops/s  ${(micros / ops).toFixed(2).padStart(6)} µs/op (CPU)`);
}

measure(`header frame, ours (${headerFrame.length} B, 19 headers)`, readOne);
measure("header frame, amqplib's decodeFrame", () => frames.decodeFrame(frames.parseFrame(headerFrame)));

// A whole delivery as RabbitMQ sends it (basic.deliver, the header frame, one body frame), 50 to a socket chunk as a
// drain reads them: what the consumer's connection reads per message.
const body = Buffer.from(JSON.stringify([[2, 2], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]));
const deliver = (tag: number): Buffer =>
  defs.encodeMethod(defs.BasicDeliver, 1, { consumerTag: "amq.ctag-4Xq3N5bS0XyY1w", deliveryTag: tag, redelivered: false, exchange: "", routingKey: "celery" });
const chunk = Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.concat([deliver(i + 1), headerFrame, frames.makeBodyFrame(1, body)])));
const readChunk = (): void => {
  incoming = chunk;
  for (let i = 0; i < 150; i++) connection.recvFrame();
};
const readChunkAmqplib = (): void => {
  let rest: Buffer = chunk;
  for (let i = 0; i < 150; i++) {
    const frame = frames.parseFrame(rest);
    if (!frame) throw new Error("short chunk");
    frames.decodeFrame(frame);
    rest = frame.rest;
  }
};
measure(`50 deliveries in one chunk, ours (${chunk.length} B)`, readChunk);
measure("50 deliveries in one chunk, amqplib's parse + decode", readChunkAmqplib);
