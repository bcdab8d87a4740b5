// The canvases of the golden vectors (conformance/vectors/<version>/<broker>/{chain,group,chord,chunks,map,starmap,
// link-link-error}.json), rebuilt from each vector's recorded input with sdk/src/canvas and published through the
// real client path (CeleryClient → codec → in-memory broker), must produce the messages real Celery published:
// same tasks in the same order, same headers (group, group_index, root_id, parent_id, argsrepr...), same properties
// and the same body with its embed (callbacks, errbacks, chain REVERSED, chord body), ids compared by relationship.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capturedToParts, loadGoldenVectors, type GoldenVector } from "../../conformance/harness/golden-vectors.js";
import { applyCanvas } from "../src/canvas/apply-async.js";
import { RecordingResultBackend } from "../src/canvas/recording-result-backend.js";
import { fromSignatureDict } from "../src/canvas/signature-dict.js";
import { CeleryClient } from "../src/client/celery-client.js";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import { decodeTaskMessage } from "../src/codec/task/decode-task-message.js";
import type { TaskMessage } from "../src/codec/task/task-message.js";
import { MemoryTransport } from "../src/transport/memory/memory-transport.js";
import type { Delivery } from "../src/transport/transport.js";
import { renameIds } from "./support/rename-ids.js";

const SCENARIOS = ["chain", "group", "chord", "chunks", "map", "starmap", "link-link-error"];
const PROPERTIES = ["correlation_id", "reply_to", "delivery_mode", "content_type", "content_encoding"];

/** What must match: everything but `origin` (our pid) and, for map/starmap kwargs, Python's tuple-vs-list repr. */
function shape(m: TaskMessage): Record<string, unknown> {
  const { origin: _origin, ...headers } = m.headers as Record<string, unknown>;
  if (m.headers.task === "celery.map" || m.headers.task === "celery.starmap") delete headers["kwargsrepr"];
  const properties = Object.fromEntries(PROPERTIES.filter((k) => k in m.properties).map((k) => [k, (m.properties as Record<string, unknown>)[k]]));
  return { headers, properties, args: m.args, kwargs: m.kwargs, embed: m.embed };
}

async function publishLikeVector(vector: GoldenVector): Promise<{ messages: TaskMessage[]; backend: RecordingResultBackend }> {
  assert.ok(vector.input !== null);
  const transport = new MemoryTransport();
  const backend = new RecordingResultBackend();
  const client = new CeleryClient(transport, backend, compileClientOptions({ broker: transport }, {}));
  await applyCanvas(fromSignatureDict(vector.input), client);
  const got: Delivery[] = [];
  const consumer = await transport.consume(["celery"], (d) => got.push(d), { prefetch: 0, noAck: true });
  await new Promise((r) => setTimeout(r, 5));
  await consumer.cancel();
  return { messages: got.map((d) => decodeTaskMessage(d.message)), backend };
}

const vectors = loadGoldenVectors().filter((v) => SCENARIOS.includes(v.scenario));

describe("canvas vs the golden vectors of Celery 5.7.0", () => {
  for (const vector of vectors.filter((v) => v.celery === "5.7.0")) {
    it(`${vector.broker}/${vector.scenario}: same messages as Celery published`, async () => {
      const expected = vector.messages.map((m) => shape(decodeTaskMessage(capturedToParts(m))));
      const { messages } = await publishLikeVector(vector);
      assert.deepEqual(renameIds(messages.map(shape)), renameIds(expected));
    });
  }

  it("vectors for every scenario on both brokers were found", () => {
    for (const scenario of SCENARIOS)
      for (const broker of ["redis", "amqp"])
        assert.ok(
          vectors.some((v) => v.celery === "5.7.0" && v.broker === broker && v.scenario === scenario),
          `${broker}/${scenario}`,
        );
  });
});

describe("canvas vs the golden vectors of Celery 5.3.6", () => {
  for (const vector of vectors.filter((v) => v.celery === "5.3.6")) {
    const isChord = vector.scenario === "chord";
    it(`${vector.broker}/${vector.scenario}: ${isChord ? "differs only by the body's group_id (added in 5.7)" : "same messages"}`, async () => {
      const expected = vector.messages.map((m) => shape(decodeTaskMessage(capturedToParts(m))));
      const { messages } = await publishLikeVector(vector);
      const ours = messages.map(shape);
      if (isChord) {
        for (const m of ours) {
          const body = (m["embed"] as TaskMessage["embed"]).chord as { options: Record<string, unknown> };
          assert.equal(body.options["group_id"], (m["headers"] as Record<string, unknown>)["group"]);
          delete body.options["group_id"];
        }
      }
      assert.deepEqual(renameIds(ours), renameIds(expected));
    });
  }
});

describe("canvas relationships in the chord and chain vectors (5.7.0, redis)", () => {
  const find = (scenario: string): GoldenVector => {
    const v = vectors.find((x) => x.celery === "5.7.0" && x.broker === "redis" && x.scenario === scenario);
    assert.ok(v);
    return v;
  };

  it("chord: every header message carries the same body id in embed.chord; group_index 0..n-1; size set before the last", async () => {
    const { messages, backend } = await publishLikeVector(find("chord"));
    assert.equal(messages.length, 3);
    const gid = messages[0]?.headers.group;
    const bodyIds = new Set(messages.map((m) => (m.embed.chord as { options: { task_id: string } }).options.task_id));
    assert.equal(bodyIds.size, 1);
    assert.deepEqual(
      messages.map((m) => m.headers.group_index),
      [0, 1, 2],
    );
    assert.ok(messages.every((m) => m.headers.group === gid && m.headers.root_id === m.headers.id));
    assert.deepEqual(backend.calls, [{ op: "set_chord_size", groupId: gid, size: 3 }]);
  });

  it("chain: only the first task is sent; embed.chain is the rest reversed (next step last)", async () => {
    const { messages } = await publishLikeVector(find("chain"));
    assert.equal(messages.length, 1);
    const chain = messages[0]?.embed.chain ?? [];
    assert.deepEqual(
      chain.map((s) => [s.task, s.args]),
      [
        ["conformance.add", [1]],
        ["conformance.mul", [3]],
      ],
    );
  });
});
