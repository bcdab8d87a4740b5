// Large valid messages decode (found by the worker-input fuzzer: the strict base64 check overflowed the regexp stack
// on an 8 MB Redis envelope body, so a valid message was refused).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeBase64Strict } from "../src/codec/body/base64.js";
import { decodeRedisEnvelope } from "../src/codec/redis/decode-redis-envelope.js";
import { encodeRedisEnvelope } from "../src/codec/redis/encode-redis-envelope.js";
import { createTaskMessage } from "../src/codec/task/create-task-message.js";

describe("large bodies", () => {
  it("a Redis envelope with a 6 MB body decodes", () => {
    const pad = "x".repeat(6_000_000);
    const envelope = encodeRedisEnvelope(createTaskMessage({ task: "t.add", args: [1], kwargs: { pad } }), { routingKey: "celery" });
    assert.equal(decodeRedisEnvelope(envelope).kwargs["pad"], pad);
  });

  it("strict base64 still refuses what Python's b64encode never writes", () => {
    for (const text of ["YQ=", "Y===", "YQ==YQ==", "Y", "YW=j", "YW J"]) assert.throws(() => decodeBase64Strict(text, "body"), /not valid base64/, text);
    assert.deepEqual([...decodeBase64Strict("YWI=", "body")], [0x61, 0x62]);
  });
});
