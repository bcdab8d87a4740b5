// `proto worker -A <module>` calls the module's `setupWorker(worker)` export in its main process before the worker
// starts, so a CLI user's module sees every lifecycle event, `worker:ready` included; process-pool children load the
// module only to register tasks and never call it. A `setupWorker` that rejects stops the start, naming itself and the
// module. The built CLI (dist), our client, Redis db 1 (shared with the other worker-event files; flushed first).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { poll } from "../harness/poll.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER = redisDbUrl(1);
const MODULE = "conformance/ts-tasks/setup-worker-tasks.ts";
const QUEUE = `t-setup-hook-${process.pid}`;

interface Line {
  readonly event: string;
  readonly pid: number;
  readonly taskId?: string;
  readonly runPid?: number;
  readonly tasks?: readonly string[];
}

describe("proto worker -A <module>: setupWorker(worker)", { timeout: 90_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "setup-hook-"));
  const read = (file: string): Line[] =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .trim()
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as Line)
      : [];

  before(async () => {
    ensureBuilt();
    const redis = new Redis(BROKER);
    await redis.flushdb();
    redis.disconnect();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is called once, in the main process, before the start: its listeners see ready, the task (run in a pool child) and shutdown", async () => {
    const file = path.join(dir, "events.jsonl");
    const worker = await ProtoWorkerProcess.startBuilt(
      ["-A", MODULE, "-b", BROKER, "--backend", BROKER, "-Q", QUEUE, "-P", "process", "-c", "1", "-l", "info", "--without-mingle", "--without-heartbeat"],
      { SETUP_WORKER_EVENTS: file, CELERY_PROTO_CONFIG: "" },
    );
    let taskId: string;
    try {
      const client = await createClient({ broker: BROKER, backend: BROKER, defaultQueue: QUEUE });
      try {
        const result = await client.enqueue("setuphook.add", [2, 3]);
        taskId = result.id;
        assert.equal(await result.get({ timeoutMs: 30_000 }), 5);
      } finally {
        await client.close();
      }
      // task:succeeded is emitted after the result is stored, so just after the get() above.
      await poll(
        async () => read(file).some((l) => l.event === "task:succeeded"),
        10_000,
        () => `no task:succeeded in ${JSON.stringify(read(file))}`,
      );
    } finally {
      await worker.stop();
    }
    assert.equal((await worker.exited).code, 0, worker.log);

    const lines = read(file);
    assert.deepEqual(
      lines.map((l) => l.event),
      ["setupWorker", "worker:ready", "task:received", "task:started", "task:succeeded", "worker:shutdown"],
      worker.log,
    );
    assert.ok(
      lines.every((l) => l.pid === worker.pid),
      "setupWorker and every listener run in the worker's main process",
    );
    assert.deepEqual(lines[0]?.tasks, ["setuphook.add"], "the module's tasks are registered before setupWorker is called");
    assert.deepEqual(
      lines.filter((l) => l.event.startsWith("task:")).map((l) => l.taskId),
      [taskId, taskId, taskId],
    );
    const started = lines.find((l) => l.event === "task:started");
    assert.ok(started?.runPid !== undefined && started.runPid !== worker.pid, "the handler ran in a pool child, which did not call setupWorker");
  });

  it("a setupWorker that rejects stops the start: exit 1, naming setupWorker and the module file", () => {
    const file = path.join(dir, "failed.jsonl");
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin/proto.js"), "worker", "-A", MODULE, "-b", "memory://", "-l", "info"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SETUP_WORKER_EVENTS: file, SETUP_WORKER_FAIL: "no metrics sink configured", CELERY_PROTO_CONFIG: "" },
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /--app \(-A\): setupWorker\(worker\) exported by \S*conformance\/ts-tasks\/setup-worker-tasks\.ts failed: no metrics sink configured/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, / ready\./);
    assert.deepEqual(read(file), []);
  });
});
