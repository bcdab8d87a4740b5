// proto worker's Celery flags, seen through real Celery (Python `celery inspect`, `AsyncResult.get()`), on Redis and
// RabbitMQ: --max-tasks-per-child replaces the pool process after N tasks (stats pool.max-tasks-per-child and
// pool.processes); --time-limit kills a task that sets none (TimeLimitExceeded) while a message's time_limit still
// wins; --autoscale grows the process pool under load (stats autoscaler, pool.processes); -X leaves a queue out;
// -B publishes the schedule's tasks; --pidfile is written, refuses a second worker and goes at stop; --logfile gets
// the log.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand } from "../harness/celery-client-script.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { runCelery, type PythonEnv } from "./worker-control-python.js";

const DB = 3;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
const HOST = os.hostname();

/** `celery inspect <command> -d node --json` → that node's reply. */
async function inspect(env: PythonEnv, command: string, node: string): Promise<Record<string, unknown>> {
  const r = await runCelery(env, ["inspect", command, "-d", node, "--json", "-t", "5"]);
  assert.equal(r.code, 0, `celery inspect ${command}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const replies = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, Record<string, unknown>>;
  const reply = replies[node];
  assert.ok(reply !== undefined, `no ${command} reply from ${node}: ${r.stdout}`);
  return reply;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`proto worker Celery flags (${broker})`, { timeout: 120_000 }, () => {
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    const env: PythonEnv = { brokerUrl, resultBackend: redisDbUrl(DB) };
    const workers: ProtoWorkerProcess[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), `proto-flags-${broker}-`));
    const base = (name: string, queue: string): string[] => [
      "-A",
      TASKS,
      "-b",
      brokerUrl,
      "--backend",
      redisDbUrl(DB),
      "-Q",
      queue,
      "-n",
      `${name}@%h`,
      "--without-mingle",
      "--without-heartbeat",
      "-l",
      "info",
    ];
    const start = async (args: string[]): Promise<ProtoWorkerProcess> => {
      const worker = await ProtoWorkerProcess.start(args);
      workers.push(worker);
      return worker;
    };
    const client = (queue: string, calls: ClientCommand["calls"]): ClientCommand => ({ broker: brokerUrl, backend: redisDbUrl(DB), queue, timeout: 30, calls });
    after(() => Promise.all(workers.map((w) => w.stop(3000))));

    it("--max-tasks-per-child replaces the child after N tasks; --time-limit kills a task that sets none, a message's time_limit wins", async () => {
      const queue = `t-flags-${process.pid}-child-${broker}`;
      const node = `t-flags-${process.pid}-child-${broker}`;
      const worker = await start([...base(node, queue), "-P", "process", "-c", "1", "--max-tasks-per-child", "2", "--time-limit", "1.5"]);
      const nodename = `${node}@${HOST}`;
      const stats = await inspect(env, "stats", nodename);
      const pool = stats["pool"] as Record<string, unknown>;
      assert.equal(pool["max-tasks-per-child"], 2);
      assert.deepEqual(pool["timeouts"], [0, 1.5]);
      const [first] = pool["processes"] as number[];
      const ran = await runCeleryClient("call", client(queue, [{ task: "wcore.pid" }, { task: "wcore.pid" }]));
      assert.deepEqual(
        ran.map((r) => (r.ok ? r.value : r.exc_type)),
        [first, first],
      );
      const second = await until("a new pool process", async () => {
        const processes = ((await inspect(env, "stats", nodename))["pool"] as Record<string, unknown>)["processes"] as number[];
        return processes.length === 1 && processes[0] !== first ? processes[0] : undefined;
      });
      const [third] = await runCeleryClient("call", client(queue, [{ task: "wcore.pid" }]));
      assert.equal(third?.ok === true ? third.value : null, second);
      const limited = await runCeleryClient(
        "call",
        client(queue, [
          { task: "wcore.spin", args: "[10]" },
          { task: "wcore.spin", args: "[2.5]", options: { time_limit: 6 } },
        ]),
      );
      assert.equal(limited[0]?.ok, false);
      assert.equal(limited[0]?.ok === false ? limited[0].exc_type : null, "TimeLimitExceeded");
      assert.deepEqual(limited[1]?.ok === true ? limited[1].value : limited[1], "spun");
      assert.match(worker.log, /Hard time limit \(1\.5s\) exceeded for wcore\.spin/);
    });

    it("--autoscale 3,1: stats show the autoscaler; the process pool grows to 3 under load", async () => {
      const queue = `t-flags-${process.pid}-scale-${broker}`;
      const node = `t-flags-${process.pid}-scale-${broker}`;
      const worker = await start([...base(node, queue), "-P", "process", "--autoscale", "3,1"]);
      const nodename = `${node}@${HOST}`;
      const stats = await inspect(env, "stats", nodename);
      assert.deepEqual(stats["autoscaler"], { max: 3, min: 1, current: 1, qty: 0 });
      assert.equal(((stats["pool"] as Record<string, unknown>)["processes"] as number[]).length, 1);
      assert.equal(stats["prefetch_count"], 12);
      const sent = await runCeleryClient(
        "send",
        client(
          queue,
          [1, 2, 3].map(() => ({ task: "conformance.sleep", args: "[4]" })),
        ),
      );
      const grown = await until("the pool to grow to 3", async () => {
        const s = await inspect(env, "stats", nodename);
        const processes = (s["pool"] as Record<string, unknown>)["processes"] as number[];
        return processes.length === 3 ? s : undefined;
      });
      assert.equal((grown["autoscaler"] as Record<string, unknown>)["current"], 3);
      assert.equal((grown["pool"] as Record<string, unknown>)["max-concurrency"], 3);
      const results = await runCeleryClient("get", { ...client(queue, []), ids: sent.map((s) => s.id) });
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true],
      );
      assert.match(worker.log, /Scaling up \d processes\./);
      // Celery's control commands: autoscale moves the bounds (a lower max shrinks at once); pool_grow is refused.
      const control = async (args: string[]): Promise<string> => (await runCelery(env, ["control", ...args, "-d", nodename, "--json", "-t", "5"])).stdout;
      assert.match(await control(["autoscale", "2", "1"]), /"ok": "autoscale now max=2 min=1"/);
      assert.match(await control(["pool_grow", "1"]), /"error": "pool_grow is not supported with autoscale\. Adjust autoscale range instead\."/);
      const shrunk = await inspect(env, "stats", nodename);
      assert.deepEqual(shrunk["autoscaler"], { max: 2, min: 1, current: 2, qty: 0 });
    });

    it("-X leaves a queue out; -B sends the schedule's tasks; --pidfile and --logfile", async () => {
      const queue = `t-flags-${process.pid}-beat-${broker}`;
      const excluded = `${queue}-x`;
      const node = `t-flags-${process.pid}-beat-${broker}`;
      const schedule = path.join(dir, "schedule.json");
      writeFileSync(schedule, JSON.stringify({ entries: { add: { task: "conformance.add", schedule: { every: 1 }, args: [2, 3], options: { queue } } } }));
      const pidfile = path.join(dir, `${node}.pid`);
      const logfile = path.join(dir, `${node}.log`);
      const args = [
        ...base(node, `${queue},${excluded}`),
        "-X",
        excluded,
        "-B",
        "--schedule",
        schedule,
        "-s",
        path.join(dir, "beat-state.json"),
        "--pidfile",
        path.join(dir, "%n.pid"),
        "--logfile",
        path.join(dir, "%n%I.log"),
      ];
      const worker = ProtoWorkerProcess.spawn(args);
      workers.push(worker);
      const log = (): string => (existsSync(logfile) ? readFileSync(logfile, "utf8") : "");
      await until("the worker to log ready. to its logfile", async () => (/ ready\.\n/.test(log()) ? true : undefined), 30_000);
      assert.equal(readFileSync(pidfile, "utf8"), `${worker.pid}\n`);
      assert.doesNotMatch(worker.log, /\[[^\]]*: INFO\/MainProcess\]/, "log records go to the logfile, not stderr");
      const queues = (await runCelery(env, ["inspect", "active_queues", "-d", `${node}@${HOST}`, "--json", "-t", "5"])).stdout;
      assert.match(queues, new RegExp(`"name": "${queue}"`));
      assert.doesNotMatch(queues, new RegExp(`"name": "${excluded}"`));
      await until("beat's tasks to run", async () => (/Task conformance\.add\[[^\]]+\] succeeded in [\d.e-]+s: 5/.test(log()) ? true : undefined));
      assert.match(log(), /beat: Starting\.\.\./);
      assert.match(log(), /Scheduler: Sending due task add \(conformance\.add\)/);

      const second = ProtoWorkerProcess.spawn([...args.slice(0, -4), "--pidfile", path.join(dir, "%n.pid")]);
      const refused = await second.exited;
      assert.equal(refused.code, 1);
      assert.match(second.log, /Pidfile \(.*\.pid\) already exists\.\nSeems we're already running\? \(pid: \d+\)/);

      worker.signal("SIGTERM");
      assert.deepEqual(await worker.exited, { code: 0, signal: null });
      assert.equal(existsSync(pidfile), false);
      assert.match(log(), /beat: Shutting down\.\.\./);
    });
  });
}
