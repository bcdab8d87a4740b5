// The protobuf projection of the schemas carries real Celery task messages: JSON → binary → JSON keeps every field.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from "@bufbuild/protobuf";
import { TaskMessageV2Schema } from "../../sdk/src/gen/proto/celery/v1/task_message_pb.js";
import { decodeMessageBody } from "../../sdk/src/codec/message/decode-message-body.js";
import { capturedToParts, loadGoldenVectors } from "../harness/golden-vectors.js";
import { CELERY_TASK_HEADERS } from "../harness/task-header-names.js";

const SCENARIOS = new Set([
  "simple-call",
  "countdown",
  "eta-expires",
  "link-link-error",
  "options-shadow-headers-timelimits",
  "chain",
  "chord",
  "group",
  "stamps",
]);
const KNOWN_HEADERS = new Set(CELERY_TASK_HEADERS);

describe("protobuf projection (protobuf-es from schemas/proto)", () => {
  const vectors = loadGoldenVectors().filter((v) => v.kind === "task" && SCENARIOS.has(v.scenario) && v.broker === "amqp");
  it("has vectors to check", () => assert.ok(vectors.length >= SCENARIOS.size));
  for (const vector of vectors) {
    it(`${vector.file}: every message survives JSON → binary → JSON`, () => {
      for (const message of vector.messages) {
        assert.equal(message.transport, "amqp");
        if (message.transport !== "amqp") return;
        const parts = capturedToParts(message);
        const [args, kwargs, embed] = decodeMessageBody(parts, { accept: ["json"] }).raw as [unknown[], object, object];
        const { headers = {}, ...properties } = message.properties;
        const known = Object.fromEntries(Object.entries(headers).filter(([k, v]) => KNOWN_HEADERS.has(k) && v !== null));
        const custom = Object.fromEntries(Object.entries(headers).filter(([k]) => !KNOWN_HEADERS.has(k)));
        const json = {
          properties: Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null)),
          headers: { ...known, custom_headers: custom },
          body: { args, kwargs, embed: pruneNulls(embed) },
        } as unknown as JsonValue;
        const decoded = fromBinary(TaskMessageV2Schema, toBinary(TaskMessageV2Schema, fromJson(TaskMessageV2Schema, json)));
        const back = toJson(TaskMessageV2Schema, decoded) as Record<string, Record<string, unknown>>;
        assert.deepEqual(back["headers"]?.["id"], headers["id"]);
        assert.deepEqual(back["headers"]?.["timelimit"], headers["timelimit"]);
        assert.deepEqual(back["headers"]?.["eta"] ?? null, headers["eta"] ?? null);
        assert.deepEqual(back["properties"]?.["correlation_id"], properties["correlation_id"]);
        assert.deepEqual((back["body"] as { args?: unknown })?.args ?? [], args);
        assert.deepEqual(
          decoded.body?.embed?.chain.map((s) => s.task) ?? [],
          ((embed as { chain?: Array<{ task: string }> | null }).chain ?? []).map((s) => s.task),
        );
      }
    });
  }
});

function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, pruneNulls(v)]),
    );
  }
  return value;
}
