// A producer loads only its broker's client library (issue 10, items 3 and 4): `createTransport` and
// `createResultBackend` import the AMQP and Redis modules when a URL needs them, so a Redis-only producer never loads
// amqplib and an AMQP-only one (rpc:// results) never loads ioredis. Checked in a fresh process per case, against the
// real brokers.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, it } from "node:test";
import { AMQP_URL, redisDbUrl } from "../harness/broker-urls.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

async function loadedBy(broker: string, backend: string): Promise<{ before: string[]; after: string[] }> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/client-module-loads.ts"), broker, backend], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { before: string[]; after: string[] };
}

describe("createClient loads only the broker libraries its URLs need", () => {
  it("importing the client loads neither amqplib nor ioredis", async () => {
    const { before } = await loadedBy("memory://", "-");
    assert.ok(!before.includes("amqplib") && !before.includes("ioredis"), before.join(", "));
  });

  it("Redis broker and Redis backend: ioredis, never amqplib", async () => {
    const { after } = await loadedBy(redisDbUrl(0), redisDbUrl(1));
    assert.ok(after.includes("ioredis"), after.join(", "));
    assert.ok(!after.includes("amqplib"), after.join(", "));
  });

  it("RabbitMQ broker and rpc:// backend: amqplib, never ioredis", async () => {
    const { after } = await loadedBy(AMQP_URL, "rpc://");
    assert.ok(after.includes("amqplib"), after.join(", "));
    assert.ok(!after.includes("ioredis"), after.join(", "));
  });
});
