import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createTaskMessage,
  decodeAmqpMessage,
  decodeRedisEnvelope,
  encodeAmqpPublish,
  encodeRedisEnvelope,
  PyDecimal,
  PyUuid,
  pyFloat,
  CeleryProtoError,
} from "../src/index.js";
import { parseIsoDateTime, formatCeleryDateTime } from "../src/codec/time/iso-datetime.js";
import type { SerializerName } from "../src/codec/body/content-types.js";
import type { CompressionName } from "../src/codec/body/compression.js";

const NOW = new Date("2025-01-31T12:00:00.000Z");

function sample() {
  return createTaskMessage({
    task: "conformance.echo",
    id: "0b3c7a7e-3c5e-4b8e-9f0e-6f1b2a3c4d5e",
    args: [1, "two", [3], { four: 4 }],
    kwargs: { when: new Date("2025-02-01T00:00:00.250Z"), amount: new PyDecimal("10.50"), ref: new PyUuid("12345678123456781234567812345678"), f: pyFloat(2) },
    countdown: 10,
    expires: 60,
    timeLimit: 30,
    softTimeLimit: 20,
    shadow: "shadowed",
    headers: { "x-custom": "v" },
    link: [{ task: "conformance.mul", args: [3], kwargs: {}, options: {}, subtask_type: null, immutable: false }],
    now: NOW,
    origin: "gen1@test",
    replyTo: "reply-oid",
  });
}

describe("createTaskMessage follows as_task_v2", () => {
  it("writes every header in Celery's order with [hard, soft] time limits", () => {
    const m = sample();
    assert.deepEqual(Object.keys(m.headers), [
      "lang",
      "task",
      "id",
      "shadow",
      "eta",
      "expires",
      "group",
      "group_index",
      "retries",
      "timelimit",
      "root_id",
      "parent_id",
      "argsrepr",
      "kwargsrepr",
      "origin",
      "ignore_result",
      "replaced_task_nesting",
      "stamped_headers",
      "stamps",
      "x-custom",
    ]);
    assert.deepEqual(m.headers.timelimit, [30, 20]);
    assert.equal(m.headers.eta, "2025-01-31T12:00:10.000000+00:00");
    assert.equal(m.headers.expires, "2025-01-31T12:01:00.000000+00:00");
    assert.equal(m.headers.root_id, m.headers.id);
    assert.equal(m.headers.argsrepr, "(1, 'two', [3], {'four': 4})");
    assert.equal(m.properties.expiration, "60000");
    assert.equal(m.properties.correlation_id, m.headers.id);
  });

  it("refuses bad options with InvalidOption naming the option", () => {
    assert.throws(
      () => createTaskMessage({ task: "" }),
      (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("task:"),
    );
    assert.throws(
      () => createTaskMessage({ task: "t", countdown: NaN }),
      (e) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("countdown:"),
    );
    assert.throws(
      () => createTaskMessage({ task: "t", kwargs: [] as never }),
      (e) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });
});

describe("encode → decode round trips", () => {
  const combos: Array<[SerializerName, CompressionName | null]> = [
    ["json", null],
    ["json", "gzip"],
    ["json", "brotli"],
    ["msgpack", null],
    ["yaml", null],
    ["msgpack", "zlib"],
  ];
  for (const [serializer, compression] of combos) {
    it(`${serializer}${compression ? ` + ${compression}` : ""} over Redis and AMQP`, () => {
      const m = sample();
      const accept = ["json", "msgpack", "yaml"];
      const viaRedis = decodeRedisEnvelope(encodeRedisEnvelope(m, { routingKey: "celery" }, { serializer, compression }), { accept });
      const p = encodeAmqpPublish(m, { routingKey: "celery" }, { serializer, compression });
      const viaAmqp = decodeAmqpMessage({ properties: p.properties, body: p.body, deliveryInfo: { exchange: "", routingKey: "celery" } }, { accept });
      for (const d of [viaRedis, viaAmqp]) {
        assert.equal(d.headers.id, m.headers.id);
        assert.deepEqual(d.args, m.args);
        assert.deepEqual(d.eta, new Date("2025-01-31T12:00:10Z"));
        assert.equal(d.headers.compression, compression ? d.headers.compression : undefined);
        if (serializer === "json") {
          assert.deepEqual(d.kwargs, { ...m.kwargs, f: 2 });
          assert.deepEqual(d.embed.callbacks, m.embed.callbacks);
        }
      }
      // Re-encoding the decoded message and decoding again gives the same message.
      const again = decodeRedisEnvelope(encodeRedisEnvelope(viaRedis, { routingKey: "celery" }, { serializer, compression }), { accept });
      assert.deepEqual({ ...again, deliveryTag: null }, { ...viaRedis, deliveryTag: null });
    });
  }

  it("writes JSON for kombu <= 5.2 peers without type wrappers", () => {
    const env = JSON.parse(encodeRedisEnvelope(sample(), { routingKey: "celery" }, { jsonFlavor: "kombu5.2" })) as { body: string };
    const body = Buffer.from(env.body, "base64").toString();
    assert.ok(!body.includes("__type__"), body);
    assert.ok(body.includes('"when": "2025-02-01T00:00:00.250000Z"'), body);
  });
});

describe("ISO date-times in every form Celery writes", () => {
  const cases: Array<[string, string, number, number | null]> = [
    ["2025-01-31T12:00:05.123456+00:00", "2025-01-31T12:00:05.123Z", 123456, 0],
    ["2025-01-31T12:00:05+00:00", "2025-01-31T12:00:05.000Z", 0, 0],
    ["2025-01-31T12:00:05.123456", "2025-01-31T12:00:05.123Z", 123456, null],
    ["2025-01-31T12:00:05Z", "2025-01-31T12:00:05.000Z", 0, 0],
    ["2025-01-31T14:00:05.5+02:00", "2025-01-31T12:00:05.500Z", 500000, 120],
    ["2025-01-31 12:00:05-05:30", "2025-01-31T17:30:05.000Z", 0, -330],
  ];
  for (const [text, iso, micro, offset] of cases) {
    it(text, () => {
      const parsed = parseIsoDateTime(text);
      assert.equal(parsed.date.toISOString(), iso);
      assert.equal(parsed.microsecond, micro);
      assert.equal(parsed.offsetMinutes, offset);
    });
  }
  it("formats with six fraction digits and +00:00", () => {
    assert.equal(formatCeleryDateTime(new Date("2025-01-31T12:00:05Z")), "2025-01-31T12:00:05.000000+00:00");
  });
});
