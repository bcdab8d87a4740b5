// The malformed corpus: every case must be refused with its specific error code — never a crash, never accepted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTaskMessage } from "../src/codec/task/create-task-message.js";
import { encodeRedisEnvelope } from "../src/codec/redis/encode-redis-envelope.js";
import { decodeRedisEnvelope } from "../src/codec/redis/decode-redis-envelope.js";
import { decodeWireMessage } from "../src/codec/message/decode-wire-message.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import type { ErrorCode } from "../src/errors/error-code.js";
import { MALFORMED_CASES, type Envelope } from "./malformed/malformed-cases.js";

const ACCEPT = ["json", "msgpack"];

function baseEnvelope(): Envelope {
  const message = createTaskMessage({ task: "conformance.add", args: [2, 2], kwargs: { x: 1 }, countdown: 10 });
  return JSON.parse(encodeRedisEnvelope(message, { routingKey: "celery" })) as Envelope;
}

function expectRefusal(run: () => unknown, code: ErrorCode): CeleryProtoError {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, "the malformed input was accepted");
  assert.ok(CeleryProtoError.is(caught), `expected a CeleryProtoError, got ${String(caught)}`);
  assert.equal(caught.code, code, `wrong code: ${caught.describe()}`);
  assert.ok(caught.message.length > 10, "the error says why");
  return caught;
}

describe("malformed corpus", () => {
  it("has at least 30 cases with distinct names", () => {
    assert.ok(MALFORMED_CASES.length >= 30, `${MALFORMED_CASES.length} cases`);
    assert.equal(new Set(MALFORMED_CASES.map((c) => c.name)).size, MALFORMED_CASES.length);
  });

  it("the unmutated base message decodes", () => {
    const decoded = decodeRedisEnvelope(JSON.stringify(baseEnvelope()), { accept: ACCEPT });
    assert.deepEqual(decoded.args, [2, 2]);
  });

  for (const c of MALFORMED_CASES) {
    it(`${c.name} → ${c.code}`, () => {
      const input = c.build(baseEnvelope());
      const text = typeof input === "string" ? input : JSON.stringify(input);
      const error = expectRefusal(() => decodeWireMessage(text, c.kind ?? "task", { accept: c.accept ?? ACCEPT }), c.code);
      if (c.path !== undefined) {
        assert.ok(
          error.details.some((d) => d.path === c.path),
          `expected a detail at ${c.path}: ${error.describe()}`,
        );
      }
    });
  }
});
