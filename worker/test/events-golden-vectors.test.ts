// Our event messages are byte-identical to what Celery 5.7 put on the wire (golden vectors events-worker and
// events-prefork-multi, Redis envelopes and AMQP properties), given the same field values; 5.3's keep the same order.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMessageBody } from "../../sdk/src/codec/message/decode-message-body.js";
import { PyFloat } from "../../sdk/src/codec/json/python-values.js";
import { envelopeFromPublish } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { capturedToParts, loadGoldenVectors } from "../../conformance/harness/golden-vectors.js";
import { buildEvent, eventRoutingKey } from "../src/events/build-event.js";
import { encodeEventPublish } from "../src/events/encode-event-publish.js";
import { loadAverage } from "../src/events/load-average.js";

const ORIGIN_KEYS = new Set(["hostname", "utcoffset", "pid", "clock", "type"]);

/** Rebuilds one recorded event with our builder from its own field values. */
function rebuild(recorded: Record<string, unknown>): Record<string, unknown> {
  const type = String(recorded["type"]);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(recorded)) {
    if (ORIGIN_KEYS.has(key)) continue;
    if (key === "freq" && type.startsWith("worker-") && recorded["loadavg"] !== undefined) fields[key] = new PyFloat(Number(value));
    else if (key === "loadavg") fields[key] = loadAverage(value as number[]);
    else fields[key] = value;
  }
  return buildEvent(type, fields, {
    hostname: String(recorded["hostname"]),
    utcoffset: Number(recorded["utcoffset"]),
    pid: Number(recorded["pid"]),
    clock: Number(recorded["clock"]),
  });
}

for (const vector of loadGoldenVectors().filter((v) => v.kind === "event" && v.scenario !== "events-task-sent")) {
  describe(`event vector ${vector.file}`, () => {
    it(vector.celery.startsWith("5.7") ? "our encoding is byte-identical" : "our events keep Celery's key order", () => {
      for (const message of vector.messages) {
        const parts = capturedToParts(message);
        const { value } = decodeMessageBody(parts);
        const recorded = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
        const ours = recorded.map(rebuild);
        ours.forEach((event, i) => assert.deepEqual(Object.keys(event), Object.keys(recorded[i]!)));
        const routingKey = Array.isArray(value) ? "task.multi" : eventRoutingKey(String(recorded[0]!["type"]));
        const exchange = message.transport === "redis" ? "celeryev" : message.delivery_info.exchange;
        const publish = encodeEventPublish(Array.isArray(value) ? ours : ours[0]!, { exchange, routingKey, hostname: String(recorded[0]!["hostname"]) });
        if (message.transport === "amqp") {
          assert.equal(message.delivery_info.routing_key, routingKey);
          const { headers, ...properties } = message.properties;
          const { headers: ourHeaders, ...ourProperties } = publish.properties;
          assert.deepEqual(ourHeaders, headers);
          assert.deepEqual(ourProperties, properties);
          if (vector.celery.startsWith("5.7")) assert.equal(Buffer.from(publish.body).toString("base64"), message.body);
        } else {
          assert.equal(message.key.replace(/^\/\d+\./, ""), `celeryev/${routingKey}`);
          const tag = (JSON.parse(message.raw) as { properties: { delivery_tag: string } }).properties.delivery_tag;
          if (vector.celery.startsWith("5.7")) assert.equal(envelopeFromPublish(publish, tag), message.raw);
        }
      }
    });
  });
}
