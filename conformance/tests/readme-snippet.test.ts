// The README's five-minute snippets, run as written (URLs pointed at the project's brokers): the producer against a
// Python worker, the TypeScript worker module under `proto worker` called by the Python snippet, and the worker events
// snippet, run as a process that a Python producer sends tasks to.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PythonWorker } from "../harness/python-worker.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { runCeleryClient } from "../harness/celery-client-script.js";

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
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, code);
    const { sum, total } = (await import(file)) as { sum: number; total: number };
    assert.equal(sum, 5);
    assert.equal(total, 12);
  });
});

describe("README worker and Python snippets", { timeout: 90_000 }, () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const broker = redisDbUrl(29);
  const backend = redisDbUrl(28);
  const queue = `readme-${process.pid}`;
  let worker: ProtoWorkerProcess;
  before(async () => {
    const tasks = /```ts\n(export const tasks = \{\n  "tasks\.shout"[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(tasks, "the README has the worker module snippet");
    const file = path.join(ROOT, ".tmp", `readme-tasks-${process.pid}.ts`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, tasks);
    worker = await ProtoWorkerProcess.start([
      "-A",
      file,
      "-Q",
      queue,
      "-l",
      "INFO",
      "-n",
      `readme-${process.pid}@%h`,
      "--broker",
      broker,
      "--backend",
      backend,
    ]);
  });
  after(async () => worker?.stop());

  it("Python calls the TypeScript tasks as the README says: a value, and ZeroDivisionError raised as itself", () => {
    const python = /```python\n(app = Celery[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(python, "the README has the Python snippet");
    const lines = python.replaceAll("redis://localhost:6379/0", broker).replaceAll("redis://localhost:6379/1", backend).trim().split("\n");
    const [create, call, raising] = lines.map((line) => line.replace(/\s+#.*$/, ""));
    const script = [
      "from celery import Celery",
      create,
      `app.conf.task_default_queue = ${JSON.stringify(queue)}`,
      call,
      "try:",
      `    ${raising}`,
      "except ZeroDivisionError as e:",
      "    print('raised', type(e).__name__, e)",
    ].join("\n");
    const out = execFileSync(path.join(ROOT, ".venv/bin/python"), ["-c", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(out, "HELLO\nraised ZeroDivisionError division by zero\n");
  });
});

describe("README worker events snippet", { timeout: 90_000 }, () => {
  it("runs as written: ready line, counts from the listeners, printed at worker:shutdown after SIGTERM", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const snippet = /```ts\n(import \{ createWorker \} from "celery-proto\/worker";[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, "the README has the worker events snippet");
    // Redis db 1: no other suite's broker or backend (worker-lifecycle-events.test.ts shares it, on its own queues).
    const url = redisDbUrl(1);
    const queue = `readme-events-${process.pid}`;
    const code = snippet
      .replace('from "celery-proto/worker"', `from ${JSON.stringify(path.join(ROOT, "worker/src/index.ts"))}`)
      .replace("redis://localhost:6379/0", url)
      .replace("redis://localhost:6379/1", url)
      .replace("createWorker({", `createWorker({ queues: [${JSON.stringify(queue)}], hostname: "readme-events@%h",`);
    const file = path.join(ROOT, ".tmp", `readme-events-${process.pid}.mts`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, code);
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes(" consuming ") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, new RegExp(`^readme-events@\\S+ consuming ${queue}\\n`), err);
      const results = await runCeleryClient("call", {
        broker: url,
        backend: url,
        queue,
        timeout: 20,
        calls: [{ task: "tasks.add", args: "[2, 3]" }, { task: "tasks.add", args: "[4, 5]" }, { task: "tasks.missing" }],
      });
      assert.deepEqual(
        results.map((r) => (r.ok ? r.value : r.exc_type)),
        [5, 9, "NotRegistered"],
      );
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 0, err);
    const counts = JSON.parse(out.trim().split("\n").at(-1) ?? "") as Record<string, number>;
    assert.deepEqual(counts, { "tasks.add succeeded": 2, "refused: unknown-task (UnknownTask)": 1 });
  });
});
