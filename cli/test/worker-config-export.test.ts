// `proto worker -A module` takes the app's configuration from the module's `config` export when no --config (or
// CELERY_PROTO_CONFIG) is given, and --config wins over it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ProtoWorkerProcess } from "../../conformance/harness/proto-worker-process.js";

const dir = mkdtempSync(path.join(tmpdir(), "worker-config-export-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const module = path.join(dir, "app.mjs");
writeFileSync(
  module,
  `export const config = {
  CELERY_DEFAULT_QUEUE: "from-module",
  CELERY_QUEUES: [{ name: "from-module", exchange: "jobs", routing_key: "jobs.default" }, { name: "urgent", exchange: "jobs", routing_key: "jobs.urgent", queue_arguments: { "x-max-priority": 9 } }],
};
export const tasks = { "app.ping": () => "pong" };
`,
);

async function banner(args: readonly string[]): Promise<string> {
  const worker = await ProtoWorkerProcess.start(["-A", module, "-b", "memory://", "-l", "info", "--without-mingle", ...args], { CELERY_PROTO_CONFIG: "" });
  try {
    return worker.log;
  } finally {
    await worker.stop();
  }
}

describe("proto worker -A <module exporting config>", () => {
  it("consumes the module's task_queues, declared with their exchange and routing key", async () => {
    const log = await banner([]);
    assert.match(log, /\.> from-module\s+exchange=jobs\(direct\) key=jobs\.default/);
    assert.match(log, /\.> urgent\s+exchange=jobs\(direct\) key=jobs\.urgent/);
  });

  it("--config wins over the module's config", async () => {
    const file = path.join(dir, "celeryconfig.json");
    writeFileSync(file, JSON.stringify({ task_default_queue: "from-file" }));
    const log = await banner(["--config", file]);
    assert.match(log, /\.> from-file\s+exchange=from-file\(direct\) key=from-file/);
    assert.doesNotMatch(log, /from-module/);
  });
});
