// Joining an existing Celery project, end to end, on both brokers: the routing project (old uppercase settings, four
// queues on the direct exchange `default`, routes by exact name, glob and regex, a queue with x-max-priority 9) is
// imported with `proto import-python --config-out`, and from then on every `proto` command takes only `--config`.
// - `proto enqueue --config` publishes each case exactly as Python's `apply_async` does (same queue, exchange,
//   routing key and priority, read back from the broker), after the Python app declared the queues: no
//   PRECONDITION_FAILED;
// - `proto worker --config` (no -Q) consumes the four queues and runs what both sides published;
// - with a Python worker on `work` and `push` and `proto worker --config -Q default,insert_data`, Python chains and a
//   chord whose steps are routed to the other side's queues complete (each worker routes what it publishes with the
//   app's routes; with Celery's default queue `celery` they never would);
// - a configuration whose queue arguments contradict the broker's is refused naming task_queues, and nothing is
//   published.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import amqplib from "amqplib";
import { Redis } from "ioredis";
import { AMQP_URL, type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORKDIR = path.join(ROOT, "conformance/python");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const BACKEND = redisDbUrl(8);
const dir = mkdtempSync(path.join(tmpdir(), "routing-project-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  readonly task: string;
  readonly args: readonly unknown[];
  readonly options?: { readonly queue?: string; readonly priority?: number; readonly routing_key?: string };
  readonly result: unknown;
}

/**
 * Where a published message sits, as the broker shows it. A message without priority counts as priority 0 (as the
 * brokers treat it): Python's `apply_async(queue=...)` of a registered task sends none (its `priority: None` exec
 * option survives when the caller names the queue: Celery's router merges it away only on the other paths), while
 * `send_task` and kombu's default send 0.
 */
interface Placement {
  readonly task: string;
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly priority: number;
}

function cases(prefix: string): Case[] {
  const t = (name: string): string => `routing_project.tasks.${name}`;
  return [
    { task: t("add"), args: [2, 3], result: 5 },
    { task: t("insert"), args: [{ id: 7 }], result: { id: 7, inserted: true } },
    { task: t("push_notify"), args: ["hi"], result: "pushed: hi" },
    { task: t("work"), args: [10], options: { priority: 7 }, result: 45 },
    { task: t("add"), args: [1, 1], options: { queue: `${prefix}work` }, result: 2 },
    // The route's routing key gives way to the option's, but a direct queue is still reached by its name.
    { task: t("work"), args: [3], options: { routing_key: `${prefix}push` }, result: 3 },
  ];
}

function projectEnv(broker: string, prefix: string): NodeJS.ProcessEnv {
  return { RP_BROKER_URL: broker, RP_RESULT_BACKEND: BACKEND, RP_QUEUE_PREFIX: prefix, PYTHONPATH: WORKDIR };
}

function proto(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CELERY_BROKER_URL: "", CELERY_RESULT_BACKEND: "", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the Python driver without blocking the event loop (the workers' output keeps being read meanwhile). */
function python(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: WORKDIR, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python ${args.join(" ")} exited ${code}: ${stdout}${stderr}`));
    });
    child.stdin.end(input ?? "");
  });
}

/** Every message in the queues (left in place), with where the broker put it. */
async function readQueues(kind: BrokerKind, broker: string, queues: readonly string[]): Promise<Placement[]> {
  const placements: Placement[] = [];
  if (kind === "amqp") {
    const connection = await amqplib.connect(broker);
    try {
      const channel = await connection.createChannel();
      for (const queue of queues) {
        for (;;) {
          const message = await channel.get(queue, { noAck: false });
          if (message === false) break;
          placements.push({
            task: String(message.properties.headers?.["task"]),
            queue,
            exchange: message.fields.exchange,
            routingKey: message.fields.routingKey,
            priority: message.properties.priority ?? 0,
          });
        }
      }
      channel.nackAll(true);
      await channel.close();
    } finally {
      await connection.close();
    }
    return placements;
  }
  const redis = new Redis(broker);
  try {
    for (const queue of queues) {
      // kombu keeps one list per priority step: the queue's name, then `<name>\x06\x16<step>`.
      const lists = (await redis.keys(`${queue}*`)).filter((key) => key === queue || key.startsWith(`${queue}\x06\x16`));
      for (const list of lists.sort()) {
        for (const raw of await redis.lrange(list, 0, -1)) {
          const envelope = JSON.parse(raw) as { headers: { task: string }; properties: Record<string, unknown> };
          const info = envelope.properties["delivery_info"] as { exchange: string; routing_key: string };
          placements.push({
            task: envelope.headers.task,
            queue,
            exchange: info.exchange,
            routingKey: info.routing_key,
            priority: (envelope.properties["priority"] as number | undefined) ?? 0,
          });
        }
      }
    }
  } finally {
    redis.disconnect();
  }
  return placements;
}

/** The stored result of each task id (waiting until every one is ready). */
async function waitForResults(ids: readonly string[], timeoutMs: number): Promise<unknown[]> {
  const redis = new Redis(BACKEND);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const metas = await Promise.all(ids.map((id) => redis.get(`celery-task-meta-${id}`)));
      const parsed = metas.map((m) => (m === null ? null : (JSON.parse(m) as { status: string; result: unknown })));
      if (parsed.every((m) => m !== null && ["SUCCESS", "FAILURE"].includes(m.status))) {
        for (const [i, m] of parsed.entries()) assert.equal(m?.status, "SUCCESS", `${ids[i]}: ${JSON.stringify(m)}`);
        return parsed.map((m) => m?.result);
      }
      if (Date.now() > deadline) throw new Error(`results not ready within ${timeoutMs} ms: ${JSON.stringify(parsed)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    redis.disconnect();
  }
}

const BROKER_URLS: Readonly<Record<BrokerKind, string>> = { redis: redisDbUrl(7), amqp: AMQP_URL };

for (const kind of ["redis", "amqp"] as const) {
  describe(`joining the routing project (${kind})`, () => {
    const broker = BROKER_URLS[kind];
    const prefix = `t-rp-${process.pid}-${kind}-`;
    const env = projectEnv(broker, prefix);
    const queues = ["default", "insert_data", "push", "work"].map((q) => `${prefix}${q}`);
    const config = path.join(dir, `${kind}.json`);
    const all = cases(prefix);
    let pythonIds: string[] = [];
    let protoIds: string[] = [];

    after(async () => {
      if (kind === "amqp") {
        const connection = await amqplib.connect(broker);
        const channel = await connection.createChannel();
        for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
        await channel.deleteExchange(`${prefix}default`).catch(() => undefined);
        await connection.close().catch(() => undefined);
      } else {
        const redis = new Redis(broker);
        await redis.flushdb();
        redis.disconnect();
      }
    });

    it("proto import-python --config-out writes the app's configuration", () => {
      const run = proto(["import-python", "-A", "routing_project.celery", "--workdir", WORKDIR, "--python", PYTHON, "--config-out", config], env);
      assert.equal(run.status, 0, run.stderr);
      const written = JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>;
      assert.equal(written["broker_url"], broker);
      assert.equal(written["task_default_queue"], `${prefix}default`);
    });

    it("proto enqueue --config places every task where Python's apply_async does, priority included", async () => {
      pythonIds = JSON.parse(await python([path.join(ROOT, "conformance/python/reference/routing_project_driver.py"), "publish"], env, JSON.stringify(all)));
      const fromPython = await readQueues(kind, broker, queues);
      protoIds = all.map((c) => {
        const flags = [
          ...(c.options?.queue === undefined ? [] : ["--queue", c.options.queue]),
          ...(c.options?.priority === undefined ? [] : ["--priority", String(c.options.priority)]),
          ...(c.options?.routing_key === undefined ? [] : ["--routing-key", c.options.routing_key]),
        ];
        const run = proto(["enqueue", c.task, "--args", JSON.stringify(c.args), "--config", config, ...flags]);
        assert.equal(run.status, 0, run.stderr);
        assert.doesNotMatch(run.stderr, /PRECONDITION_FAILED/);
        return run.stdout.trim();
      });
      const both = await readQueues(kind, broker, queues);
      const key = (p: Placement): string => JSON.stringify(p);
      const fromProto = [...both.map(key)];
      for (const p of fromPython) fromProto.splice(fromProto.indexOf(key(p)), 1);
      assert.deepEqual(fromProto.sort(), fromPython.map(key).sort(), "ours are placed as Python's are");
      const work = fromPython.find((p) => p.task.endsWith(".work") && p.priority === 7);
      assert.deepEqual(work && [work.queue, work.exchange, work.routingKey], [`${prefix}work`, "", `${prefix}work`]);
    });

    it("a configuration whose queue arguments contradict the broker's is refused naming task_queues, and nothing is published", async (t) => {
      if (kind !== "amqp") return t.skip("only RabbitMQ checks queue arguments (Redis keeps none)");
      const written = JSON.parse(readFileSync(config, "utf8")) as { task_queues: { queue_arguments?: Record<string, unknown> }[] };
      for (const q of written.task_queues) if (q.queue_arguments !== undefined) q.queue_arguments["x-max-priority"] = 5;
      const bad = path.join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify(written));
      const before = (await readQueues(kind, broker, queues)).length;
      const run = proto(["enqueue", "routing_project.tasks.work", "--args", "[1]", "--config", bad]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /task_queues: queue "t-rp-\d+-amqp-work" exists on the broker with other arguments .*x-max-priority/);
      assert.equal((await readQueues(kind, broker, queues)).length, before);
    });

    it("a configuration with old and new names mixed, or a value of the wrong type, is refused naming the setting, and nothing is published", async () => {
      const written = JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>;
      const before = (await readQueues(kind, broker, queues)).length;
      for (const [name, bad, refusal] of [
        [
          "mixed",
          { ...written, CELERYD_PREFETCH_MULTIPLIER: 1 },
          /Cannot mix new and old setting keys[\s\S]*CELERYD_PREFETCH_MULTIPLIER +-> worker_prefetch_multiplier/,
        ],
        ["typed", { ...written, task_default_queue: 3 }, /task_default_queue: expected .*, got 3/],
      ] as const) {
        const file = path.join(dir, `${kind}-${name}.json`);
        writeFileSync(file, JSON.stringify(bad));
        const run = proto(["enqueue", "routing_project.tasks.add", "--args", "[1, 2]", "--config", file]);
        assert.equal(run.status, 1, run.stdout);
        assert.match(run.stderr, refusal);
      }
      const unknown = path.join(dir, `${kind}-unknown.json`);
      writeFileSync(unknown, JSON.stringify({ ...written, task_default_queeu: "x" }));
      const warned = proto(["report", "--config", unknown]);
      assert.match(warned.stderr, /warning: task_default_queeu: not a Celery setting \(did you mean task_default_queue\?\); ignored/);
      assert.equal((await readQueues(kind, broker, queues)).length, before);
    });

    it("proto worker --config consumes the project's queues and runs what both sides published", async () => {
      const worker = await ProtoWorkerProcess.start([
        "-A",
        "conformance/ts-tasks/routing-project-tasks.ts",
        "--config",
        config,
        "-l",
        "info",
        "-n",
        `rp-${kind}@%h`,
      ]);
      try {
        for (const queue of queues) assert.match(worker.log, new RegExp(`\\.> ${queue}\\s+exchange=${prefix}default\\(direct\\)`));
        const expected = all.map((c) => c.result);
        assert.deepEqual(await waitForResults(pythonIds, 30_000), expected);
        assert.deepEqual(await waitForResults(protoIds, 30_000), expected);
      } finally {
        await worker.stop();
      }
    });

    it("Python chains and a chord routed across a Python and a TypeScript worker complete", async () => {
      const pyWorker = await PythonWorker.start({
        brokerUrl: broker,
        resultBackend: BACKEND,
        queue: `${prefix}work,${prefix}push`,
        app: "routing_project.celery",
        nodeName: `rp-py-${kind}-${process.pid}@%h`,
        extraEnv: env as Record<string, string>,
      });
      const ts = await ProtoWorkerProcess.start([
        "-A",
        "conformance/ts-tasks/routing-project-tasks.ts",
        "--config",
        config,
        "-Q",
        `${prefix}default,${prefix}insert_data`,
        "-l",
        "info",
        "-n",
        `rp-ts-${kind}@%h`,
      ]);
      try {
        const out = JSON.parse(await python([path.join(ROOT, "conformance/python/reference/routing_project_driver.py"), "canvas"], env));
        // add(1, 2) on ours → work(3) on Python; work(4) on Python → add(6, 10) on ours; three adds on ours → push_notify on Python.
        assert.deepEqual(out, { forward: 3, backward: 16, chord: "pushed: [2, 4, 6]" });
        // Each worker logs a success after storing its result: the last lines may come after Python read the results.
        await ts.waitFor(/routing_project\.tasks\.add\[[^\]]+\] succeeded/, 10_000);
        await pyWorker.waitFor(/routing_project\.tasks\.work\[[^\]]+\] succeeded/, 10_000);
        await pyWorker.waitFor(/routing_project\.tasks\.push_notify\[[^\]]+\] succeeded/, 10_000);
      } finally {
        await Promise.all([ts.stop(), pyWorker.stop()]);
      }
    });

    it("proto purge --config empties the app's queues, as celery purge does", () => {
      for (const task of ["add", "push_notify"]) {
        const run = proto(["enqueue", `routing_project.tasks.${task}`, "--args", task === "add" ? "[1, 1]" : '["x"]', "--config", config]);
        assert.equal(run.status, 0, run.stderr);
      }
      const purged = proto(["purge", "--config", config, "--force"]);
      assert.equal(purged.status, 0, purged.stderr);
      assert.equal(purged.stdout.trim(), "Purged 2 messages from 4 known task queues.");
    });
  });
}
