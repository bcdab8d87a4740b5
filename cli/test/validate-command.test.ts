// `proto validate` through the built binary, as a user runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { ensureBuilt } from "../../conformance/harness/ensure-built.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/proto.js");

function proto(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proto validate", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proto-validate-"));
  const message = createTaskMessage({ task: "tasks.add", args: [2, 2], countdown: 5 });

  before(() => {
    ensureBuilt();
  });

  it("decodes a kombu Redis envelope from a file and prints JSON", () => {
    const file = path.join(dir, "envelope.json");
    writeFileSync(file, encodeRedisEnvelope(message, { routingKey: "celery" }));
    const r = proto(["validate", file]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kind: string; transport: string; message: { headers: { id: string }; args: unknown[]; eta: unknown } };
    assert.equal(out.transport, "redis");
    assert.equal(out.message.headers.id, message.headers.id);
    assert.deepEqual(out.message.args, [2, 2]);
    assert.deepEqual(out.message.eta, { __type__: "datetime", __value__: message.headers.eta?.replace(/\.(\d{3})000\+/, ".$1000+") });
  });

  it("decodes an AMQP message from stdin", () => {
    const p = encodeAmqpPublish(message, { routingKey: "celery" });
    const json = JSON.stringify({
      properties: p.properties,
      delivery_info: { exchange: "", routing_key: "celery" },
      body: Buffer.from(p.body).toString("base64"),
    });
    const r = proto(["validate", "-"], json);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { transport: string }).transport, "amqp");
  });

  it("decodes a result meta with --kind result", () => {
    const r = proto(
      ["validate", "--kind", "result", "-"],
      '{"status": "FAILURE", "result": {"exc_type": "ValueError", "exc_message": ["boom"], "exc_module": "builtins"}, "traceback": "Traceback...", "children": [], "date_done": "2025-01-31T12:00:00.123456+00:00", "task_id": "t1"}',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { message: { status: string } }).message.status, "FAILURE");
  });

  it("exits 1 with the error code and reason on stderr for invalid input", () => {
    const env = JSON.parse(encodeRedisEnvelope(message, { routingKey: "celery" })) as { headers: Record<string, unknown> };
    delete env.headers["id"];
    const r = proto(["validate", "-"], JSON.stringify(env));
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^InvalidHeaders: task headers invalid: \/headers\/id required property 'id' is missing/);
  });

  it("refuses pickle with ContentDisallowed", () => {
    const env = JSON.parse(encodeRedisEnvelope(message, { routingKey: "celery" })) as Record<string, unknown>;
    env["content-type"] = "application/x-python-serialize";
    const r = proto(["validate", "-"], JSON.stringify(env));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ContentDisallowed: refusing to deserialize content of type application\/x-python-serialize \(pickle\)/);
  });
});
