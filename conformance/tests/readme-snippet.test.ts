// The README's producer snippet, run as written (URLs pointed at the project's brokers) against a Python worker.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PythonWorker } from "../harness/python-worker.js";
import { redisDbUrl } from "../harness/broker-urls.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("README producer snippet", { timeout: 90_000 }, () => {
  let worker: PythonWorker;
  before(async () => {
    for (const db of [32 - 1, 32 - 2]) {
      const r = new Redis(redisDbUrl(db));
      await r.flushdb();
      r.disconnect();
    }
    worker = await PythonWorker.start({ brokerUrl: redisDbUrl(31), resultBackend: redisDbUrl(30), queue: "celery", pool: "prefork", concurrency: 2 });
  });
  after(async () => worker?.stop());

  it("runs and computes what it says", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const snippet = /```ts\n(import \{ createClient[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, "the README has the producer snippet");
    const code = snippet
      .replace('from "celery-proto"', `from ${JSON.stringify(path.join(ROOT, "sdk/src/index.ts"))}`)
      .replace("redis://localhost:6379/0", redisDbUrl(31))
      .replace("redis://localhost:6379/1", redisDbUrl(30))
      .replaceAll('"tasks.add"', '"conformance.add"')
      .replaceAll('"tasks.xsum"', '"conformance.xsum"')
      .replace("countdown: 10", "countdown: 1")
      .replace("await client.close();", "await client.close();\nexport { sum, total };");
    const file = path.join(ROOT, ".tmp", `readme-snippet-${process.pid}.mts`);
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, code);
    const { sum, total } = (await import(file)) as { sum: number; total: number };
    assert.equal(sum, 5);
    assert.equal(total, 12);
  });
});
