// Every vector recorded from real Celery validates against the schemas and decodes; task messages survive
// decode → encode → decode; and our encoder, given the same inputs, writes what kombu wrote (apart from random ids).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskMessage } from "../../sdk/src/codec/task/task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { decodeRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { decodeAmqpMessage } from "../../sdk/src/codec/amqp/decode-amqp-message.js";
import { decodeEventMessage } from "../../sdk/src/codec/message/decode-event-message.js";
import { decodeControlMessage } from "../../sdk/src/codec/message/decode-control-message.js";
import { decodeMessageBody } from "../../sdk/src/codec/message/decode-message-body.js";
import { decodeResultMeta } from "../../sdk/src/codec/result/decode-result-meta.js";
import { decodeTypeWrappers } from "../../sdk/src/codec/json/kombu-json.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import type { CompressionName } from "../../sdk/src/codec/body/compression.js";
import { findSerializer, type SerializerName } from "../../sdk/src/codec/body/content-types.js";
import { validateChordPartMember, validateGroupMeta, validateRpcResultReply } from "../../sdk/src/gen/json-schema/validators.js";
import { collectIssues } from "../../sdk/src/codec/validate/assert-valid.js";
import { capturedToParts, loadGoldenVectors, type CapturedMessage, type GoldenVector } from "../harness/golden-vectors.js";

const ACCEPT = ["json", "msgpack", "yaml"];
const vectors = loadGoldenVectors();
/** Single-task scenarios whose options we map one to one (canvas scenarios are the producer issue's). */
const COMPARABLE = new Set([
  "simple-call",
  "kwargs-only",
  "countdown",
  "eta-expires",
  "expires-seconds",
  "priority",
  "rich-args",
  "link-link-error",
  "options-shadow-headers-timelimits",
  "compression-gzip",
  "serializer-msgpack",
  "serializer-yaml",
  "stamps",
]);

const COMPRESSION_NAMES: Record<string, CompressionName> = { "application/x-gzip": "gzip", "application/x-brotli": "brotli" };

describe("golden vectors", () => {
  it("exist for two Celery lines, both brokers, every kind", () => {
    const versions = new Set(vectors.map((v) => v.celery));
    assert.ok(versions.size >= 2, `recorded Celery versions: ${[...versions].join(", ")}`);
    for (const version of versions) {
      for (const broker of ["redis", "amqp"]) {
        const kinds = new Set(vectors.filter((v) => v.celery === version && v.broker === broker).map((v) => v.kind));
        for (const kind of ["task", "event", "control-request", "control-reply", "result"]) {
          assert.ok(kinds.has(kind as never), `${version}/${broker} has no ${kind} vector`);
        }
      }
    }
  });

  for (const vector of vectors) {
    describe(vector.file, () => {
      vector.messages.forEach((message, i) => {
        it(`message ${i}: validates and decodes as ${vector.kind}`, () => checkMessage(vector, message));
      });
      if (vector.kind === "task") {
        it("re-encoding each decoded message and decoding it again yields the same message", () => {
          for (const message of vector.messages) checkRoundTrip(vector, message);
        });
        if (isComparable(vector)) {
          it("our encoder writes what kombu wrote for the same inputs (apart from random ids)", () => compareWithKombu(vector));
        }
      }
    });
  }
});

function checkMessage(vector: GoldenVector, message: CapturedMessage): void {
  switch (vector.kind) {
    case "task": {
      const decoded = decodeTaskMessage(capturedToParts(message), { accept: ACCEPT });
      assert.equal(typeof decoded.headers.task, "string");
      return;
    }
    case "event": {
      const { events } = decodeEventMessage(capturedToParts(message), { accept: ACCEPT });
      assert.ok(events.length >= 1);
      return;
    }
    case "control-request":
      assert.equal(decodeControlMessage(capturedToParts(message), { accept: ACCEPT }).type, "request");
      return;
    case "control-reply":
      assert.equal(decodeControlMessage(capturedToParts(message), { accept: ACCEPT }).type, "reply");
      return;
    case "rpc-reply": {
      const { raw } = decodeMessageBody(capturedToParts(message), { accept: ACCEPT });
      assert.deepEqual(collectIssues(validateRpcResultReply, raw), []);
      return;
    }
    case "result":
    case "group-meta":
    case "chord-state": {
      assert.equal(message.transport, "redis");
      if (message.transport !== "redis") return;
      if (message.key.endsWith(".s") || message.key.endsWith(".t")) {
        assert.match(message.raw, /^\d+$/, "chord size/extra counters are plain integers");
      } else if (message.command === "ZADD") {
        assert.deepEqual(collectIssues(validateChordPartMember, parsePythonJson(message.raw)), []);
      } else if (message.key.startsWith("celery-taskset-meta-")) {
        assert.deepEqual(collectIssues(validateGroupMeta, parsePythonJson(message.raw)), []);
      } else {
        const meta = decodeResultMeta(message.raw);
        assert.ok(message.key.endsWith(meta.task_id ?? "?"), "meta stored under its own task id");
      }
    }
  }
}

function encodeOptionsOf(decoded: TaskMessage): { serializer: SerializerName; compression: CompressionName | null } {
  const serializer = findSerializer(String(decoded.properties.content_type))?.name ?? "json";
  const compression = typeof decoded.headers.compression === "string" ? (COMPRESSION_NAMES[decoded.headers.compression] ?? null) : null;
  return { serializer, compression };
}

function checkRoundTrip(vector: GoldenVector, message: CapturedMessage): void {
  const decoded = decodeTaskMessage(capturedToParts(message), { accept: ACCEPT });
  const options = encodeOptionsOf(decoded);
  const route = { exchange: decoded.deliveryInfo?.exchange ?? "", routingKey: decoded.deliveryInfo?.routingKey ?? "celery" };
  const again =
    vector.broker === "redis"
      ? decodeRedisEnvelope(encodeRedisEnvelope(decoded, route, { ...options, deliveryTag: decoded.deliveryTag ?? undefined }), { accept: ACCEPT })
      : (() => {
          const p = encodeAmqpPublish(decoded, route, options);
          return decodeAmqpMessage(
            { properties: p.properties, body: p.body, deliveryInfo: { exchange: p.exchange, routingKey: p.routingKey } },
            { accept: ACCEPT },
          );
        })();
  const strip = (m: TaskMessage) => ({ ...m, headers: { ...m.headers, compression: undefined }, deliveryInfo: null, protocol: 2 });
  if (decoded.protocol === 2) assert.deepEqual(strip(again), strip(decoded));
  else {
    // Protocol 1 is re-encoded as protocol 2: the normalised message is what must survive.
    assert.deepEqual(
      [again.args, again.kwargs, again.embed, again.headers.id, again.headers.task],
      [decoded.args, decoded.kwargs, decoded.embed, decoded.headers.id, decoded.headers.task],
    );
  }
}

function isComparable(vector: GoldenVector): boolean {
  return COMPARABLE.has(vector.scenario) && vector.input !== null && vector.messages.length === 1;
}

function compareWithKombu(vector: GoldenVector): void {
  const input = vector.input!;
  const theirs = decodeTaskMessage(capturedToParts(vector.messages[0]!), { accept: ACCEPT });
  const o = decodeTypeWrappers(input.options as never, "") as Record<string, unknown>;
  const rawOptions = input.options;
  const stampNames = (o["stamped_headers"] as string[] | undefined) ?? [];
  const ourInput: TaskMessageInput = {
    task: input.task,
    args: decodeTypeWrappers(input.args as never, "") as unknown[],
    kwargs: decodeTypeWrappers(input.kwargs as never, "") as Record<string, unknown>,
    id: theirs.headers.id,
    origin: theirs.headers.origin ?? undefined,
    replyTo: String(theirs.properties.reply_to ?? ""),
    now: new Date(vector.recorded_at),
    countdown: o["countdown"] as number | undefined,
    // Datetimes are passed as Python's ISO text: a JS Date would drop the microseconds Python sent.
    eta: (rawOptions["eta"] as { __value__?: string } | undefined)?.__value__,
    expires: typeof o["expires"] === "number" ? (o["expires"] as number) : (rawOptions["expires"] as { __value__?: string } | undefined)?.__value__,
    shadow: o["shadow"] as string | undefined,
    headers: o["headers"] as Record<string, unknown> | undefined,
    timeLimit: o["time_limit"] as number | undefined,
    softTimeLimit: o["soft_time_limit"] as number | undefined,
    ignoreResult: o["ignore_result"] as boolean | undefined,
    priority: o["priority"] as number | undefined,
    link: o["link"] as never,
    linkError: o["link_error"] as never,
    stamps: stampNames.length > 0 ? Object.fromEntries(stampNames.map((n) => [n, o[n]])) : undefined,
    // Python's delay() passes a tuple and apply_async(args=[...]) a list, and tuples inside kwargs do not survive the
    // JSON inputs: the reprs are taken from the message here (safeRepr itself is checked against Python elsewhere).
    argsrepr: theirs.headers.argsrepr ?? undefined,
    kwargsrepr: vector.scenario === "rich-args" ? (theirs.headers.kwargsrepr ?? undefined) : undefined,
  };
  const ours = createTaskMessage(ourInput);
  const serializer = (o["serializer"] as SerializerName | undefined) ?? "json";
  const compression = (o["compression"] as CompressionName | undefined) ?? null;
  const route = { exchange: theirs.deliveryInfo?.exchange ?? "", routingKey: theirs.deliveryInfo?.routingKey ?? "celery" };
  const timeDerived = (name: "eta" | "expires"): boolean => (name === "eta" ? o["countdown"] !== undefined : typeof o["expires"] === "number");

  const message = vector.messages[0]!;
  let oursHeaders: Record<string, unknown>;
  let theirsHeaders: Record<string, unknown>;
  let oursProps: Record<string, unknown>;
  let theirsProps: Record<string, unknown>;
  let oursBody: string;
  let theirsBody: string;
  if (message.transport === "redis") {
    const ourEnvelope = JSON.parse(encodeRedisEnvelope(ours, route, { serializer, compression, deliveryTag: theirs.deliveryTag ?? undefined })) as Record<
      string,
      unknown
    >;
    const theirEnvelope = JSON.parse(message.raw) as Record<string, unknown>;
    assert.deepEqual(Object.keys(ourEnvelope), Object.keys(theirEnvelope), "envelope keys");
    assert.equal(ourEnvelope["content-type"], theirEnvelope["content-type"]);
    assert.equal(ourEnvelope["content-encoding"], theirEnvelope["content-encoding"]);
    oursHeaders = ourEnvelope["headers"] as Record<string, unknown>;
    theirsHeaders = theirEnvelope["headers"] as Record<string, unknown>;
    oursProps = ourEnvelope["properties"] as Record<string, unknown>;
    theirsProps = theirEnvelope["properties"] as Record<string, unknown>;
    oursBody = String(ourEnvelope["body"]);
    theirsBody = String(theirEnvelope["body"]);
  } else {
    const p = encodeAmqpPublish(ours, route, { serializer, compression });
    assert.deepEqual([p.exchange, p.routingKey], [message.delivery_info.exchange, message.delivery_info.routing_key], "route");
    const { headers: oh, ...op } = p.properties;
    const { headers: th, ...tp } = message.properties;
    oursHeaders = JSON.parse(JSON.stringify(oh)) as Record<string, unknown>;
    theirsHeaders = th ?? {};
    oursProps = op;
    theirsProps = tp;
    oursBody = Buffer.from(p.body).toString("base64");
    theirsBody = message.body;
  }

  for (const name of ["eta", "expires"] as const) {
    if (!timeDerived(name)) continue;
    // Derived from "now" on each side: equal to within the recording delay, and in Celery's format.
    const a = Date.parse(String(oursHeaders[name]));
    const b = Date.parse(String(theirsHeaders[name]));
    assert.ok(Math.abs(a - b) < 2000, `${name}: ours ${oursHeaders[name]} vs kombu ${theirsHeaders[name]}`);
    assert.match(String(theirsHeaders[name]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    oursHeaders[name] = theirsHeaders[name];
  }
  assert.deepEqual(oursHeaders, theirsHeaders, "headers");
  assert.deepEqual(Object.keys(oursHeaders), Object.keys(theirsHeaders), "header order");

  if (o["expires"] !== undefined) {
    // Python derives expiration from its own clock at publish time: equal to within the recording delay.
    assert.ok(Math.abs(Number(oursProps["expiration"]) - Number(theirsProps["expiration"])) < 2000, "expiration");
    oursProps["expiration"] = theirsProps["expiration"];
  }
  assert.deepEqual(oursProps, theirsProps, "properties");
  if (message.transport === "redis") assert.deepEqual(Object.keys(oursProps), Object.keys(theirsProps), "property order");
  if (serializer === "yaml") {
    // PyYAML's block style is not ours; the documents must mean the same.
    assert.deepEqual(decodeTaskMessage(capturedToParts(message), { accept: ACCEPT }).args, ours.args);
  } else if (compression !== null) {
    assert.equal(theirsHeaders["compression"], oursHeaders["compression"]);
  } else if (vector.scenario === "rich-args") {
    // A JS Date keeps milliseconds and no UTC offset, so Python datetimes with microseconds or +02:00 cannot be
    // written back to the same text, and 1.0 needs pyFloat(): the bodies must mean the same values.
    const decoded = decodeTaskMessage(capturedToParts(message), { accept: ACCEPT });
    assert.deepEqual([decoded.args, decoded.kwargs], [ours.args, ours.kwargs]);
  } else {
    assert.equal(Buffer.from(oursBody, "base64").toString(), Buffer.from(theirsBody, "base64").toString(), "body bytes");
  }
}
