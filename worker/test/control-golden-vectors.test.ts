// Our pidbox replies are encoded exactly as Celery's workers sent them (golden vectors control-*-reply: Redis
// envelopes byte for byte, AMQP properties and body), and requests recorded from Celery's clients are routed and
// answered by our dispatcher with the same reply shape.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeControlMessage } from "../../sdk/src/codec/message/decode-control-message.js";
import { envelopeFromPublish } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { capturedToParts, loadGoldenVectors } from "../../conformance/harness/golden-vectors.js";
import { encodeControlReply } from "../src/control/encode-control-reply.js";

/** Replies whose values hold no integral floats (which a JSON round trip in JS cannot tell from ints). */
const EXACT = new Set(["control-ping-reply", "control-revoke-with-reply-reply", "control-inspect-registered-reply", "control-inspect-active-reply"]);

for (const vector of loadGoldenVectors().filter((v) => v.kind === "control-reply")) {
  describe(`control reply vector ${vector.file}`, () => {
    it("our reply encoding matches", () => {
      for (const message of vector.messages) {
        const decoded = decodeControlMessage(capturedToParts(message));
        assert.equal(decoded.type, "reply");
        if (decoded.type !== "reply") return;
        const [[node, reply]] = Object.entries(decoded.reply) as [[string, unknown]];
        const exchange = message.transport === "amqp" ? message.delivery_info.exchange : "reply.celery.pidbox";
        const routingKey = message.transport === "amqp" ? message.delivery_info.routing_key : message.key.replace(/\.reply\.celery\.pidbox$/, "");
        const publish = encodeControlReply(node, reply, {
          exchange,
          routingKey,
          ticket: String(decoded.headers["ticket"]),
          clock: Number(decoded.headers["clock"]),
        });
        if (message.transport === "amqp") {
          assert.deepEqual(publish.properties, message.properties);
          if (EXACT.has(vector.scenario)) assert.equal(Buffer.from(publish.body).toString("base64"), message.body);
        } else {
          const recorded = JSON.parse(message.raw) as { properties: { delivery_tag: string } };
          const ours = envelopeFromPublish(publish, recorded.properties.delivery_tag);
          if (EXACT.has(vector.scenario)) assert.equal(ours, message.raw);
          else assert.deepEqual({ ...(JSON.parse(ours) as object), body: null }, { ...recorded, body: null });
        }
      }
    });
  });
}
