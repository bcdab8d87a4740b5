// `proto enqueue` against a real Python Celery worker (Redis, dbs 26/27): it prints the task id, with --wait the
// result; a failure exits 1 with the Python exception. What our client sends (every apply_async option, failures,
// ignore_result, revoke, the shadow name in events) is checked by the conformance cases of conformance/cases/
// (ts-to-celery/*, events/shadow), which conformance-runner.test.ts runs on both brokers and both result backends.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { Redis } from "ioredis";
import { redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("proto enqueue", { timeout: 90_000 }, () => {
  it("prints the id, and with --wait the result; a failure exits 1 with the exception", async () => {
    const queue = `t-enqueue-cli-${process.pid}`;
    const brokerUrl = redisDbUrl(26);
    await flush(brokerUrl);
    const worker = await PythonWorker.start({ brokerUrl, resultBackend: redisDbUrl(27), queue });
    try {
      const base = ["bin/proto.js", "enqueue", "--broker", brokerUrl, "--backend", redisDbUrl(27), "--queue", queue, "--wait", "--timeout", "20"];
      const ok = spawnSync(process.execPath, [...base, "conformance.add", "--args", "[2, 3]"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(ok.status, 0, ok.stderr);
      const [id, value] = ok.stdout.trim().split("\n");
      assert.match(id ?? "", /^[0-9a-f-]{36}$/);
      assert.equal(value, "5");
      const bad = spawnSync(process.execPath, [...base, "conformance.fail", "--args", '["nope"]'], { cwd: ROOT, encoding: "utf8" });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^ValueError: nope/);
    } finally {
      await worker.stop();
    }
  });
});

async function flush(url: string): Promise<void> {
  const r = new Redis(url);
  await r.flushdb();
  r.disconnect();
}
