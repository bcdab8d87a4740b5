// Drain benchmark for one worker build: N pre-enqueued no-op tasks (ignore_result) drained by `proto worker`, timed
// from "ready" to the last task's success line; on Redis with the drain's `INFO commandstats` (fetch scripts and
// messages per fetch, ack MULTIs), on RabbitMQ next to a raw amqplib consumer (prefetch 100, one ack per message)
// draining the same N messages, and to our AMQP transport alone (`amqp-transport`: consume with the worker's prefetch,
// concurrency × 4, and ack each delivery in its callback; no decoding, no task): the worker's cost above the transport. Meant for A/B runs of two builds, alternated: BENCH_ROOT picks the build (a
// directory with bin/, dist/, package.json and bench/tasks/; default this checkout).
// BENCH_NODE_FLAGS adds node flags to the worker (e.g. --cpu-prof); BENCH_WORKER_PROCESSES=N starts N independent
// workers (distinct node names) on the queue; the CPU summed is each worker's process tree (its --consumer-processes, -P process children); BENCH_WORKER_LOG=<file> appends worker i's output
// (e.g. with BENCH_NODE_FLAGS=--trace-gc) to <file>.i.
// Usage: node --import tsx bench/drain.ts <redis|amqp|amqp-raw|amqp-transport> [count=20000] [concurrency=8] [worker flags...]
import { spawn } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import amqplib from "amqplib";
import { Redis } from "ioredis";
import { createAmqpTransport } from "../dist/sdk/amqp/index.js";
import { createClient } from "../dist/sdk/index.js";
import { AMQP_URL, redisDbUrl } from "../conformance/harness/broker-urls.js";
import { binNodeFlags } from "./harness/bin-node-flags.js";

const ROOT = process.env["BENCH_ROOT"] ?? path.resolve(import.meta.dirname, "..");
const [kind = "redis", countArg = "20000", concurrencyArg = "8", ...workerFlags] = process.argv.slice(2);
const COUNT = Number(countArg);
const CONCURRENCY = Number(concurrencyArg);
const broker = kind === "redis" ? redisDbUrl(27) : AMQP_URL;
const queue = `bench-drain-${process.pid}`;

async function enqueue(): Promise<void> {
  const client = await createClient({ broker, backend: null, defaultQueue: queue });
  let next = 0;
  await Promise.all(
    Array.from({ length: 1024 }, async () => {
      while (next < COUNT) {
        next++;
        await client.enqueue("conformance.noop", [], {}, { ignoreResult: true });
      }
    }),
  );
  await client.close();
}

/** user + system CPU seconds and parent pid of a process (Linux /proc), or null once it is gone. */
function readStat(pid: number): { readonly cpu: number; readonly ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

/**
 * user + system CPU seconds of a process and of its live descendants (`--consumer-processes`, `-P process`): a child
 * still running is not in its parent's cutime.
 */
function cpuSeconds(pid: number): number {
  const stats = new Map<number, { readonly cpu: number; readonly ppid: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== null) stats.set(Number(entry), stat);
  }
  let total = 0;
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    total += stats.get(next)?.cpu ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === next) pending.push(child);
  }
  return total;
}

let workerCpuSeconds = 0;

/** The RabbitMQ node's process (beam.smp), whose CPU during the drain is the broker's share; null on Redis. */
const brokerPid = kind === "redis" ? null : findProcess("beam.smp");
let brokerCpuAtStart = 0;
let brokerCpuSeconds = 0;

function findProcess(comm: string): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

function startBrokerCpu(): void {
  if (brokerPid !== null) brokerCpuAtStart = cpuSeconds(brokerPid);
}

function stopBrokerCpu(): void {
  if (brokerPid !== null) brokerCpuSeconds = cpuSeconds(brokerPid) - brokerCpuAtStart;
}

const WORKER_PROCESSES = Number(process.env["BENCH_WORKER_PROCESSES"] ?? 1);
const WORKER_LOG = process.env["BENCH_WORKER_LOG"];

/** Runs BENCH_WORKER_PROCESSES independent workers (distinct node names) on the queue until COUNT success lines in
 * all; returns the seconds from the first "ready" to the last success line. */
async function drainWithWorkers(): Promise<number> {
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const runs = Array.from({ length: WORKER_PROCESSES }, (_, index) =>
    startWorker(index, () => {
      if (++done >= COUNT) allDone();
    }),
  );
  // Timed from the first worker's ready line: the others' startup CPU is counted, as a multi-process worker pays it.
  await Promise.race(runs.map((run) => run.ready));
  const t0 = performance.now();
  const cpuAtReady = runs.map((run) => cpuSeconds(run.pid));
  startBrokerCpu();
  await Promise.race([finished, ...runs.map((run) => run.exited)]);
  stopBrokerCpu();
  const seconds = (performance.now() - t0) / 1000;
  workerCpuSeconds = runs.reduce((sum, run, i) => sum + cpuSeconds(run.pid) - (cpuAtReady[i] as number), 0);
  await Promise.all(runs.map((run) => run.stop()));
  return seconds;
}

interface WorkerRun {
  readonly pid: number;
  readonly ready: Promise<void>;
  readonly exited: Promise<never>;
  stop(): Promise<void>;
}

/** Starts one worker, calling onSuccess for each of its success lines. */
function startWorker(index: number, onSuccess: () => void): WorkerRun {
  const child = spawn(
    process.execPath,
    [
      ...binNodeFlags(ROOT),
      ...(process.env["BENCH_NODE_FLAGS"]?.split(" ").filter(Boolean) ?? []),
      "bin/proto.js",
      "worker",
      "-A",
      "bench/tasks/noop-tasks.mjs",
      "-Q",
      queue,
      "-c",
      String(CONCURRENCY),
      "-l",
      "INFO",
      "-n",
      `bench-drain-${process.pid}-${index}@%h`,
      "--broker",
      broker,
      "--without-mingle",
      "--without-heartbeat",
      ...workerFlags,
    ],
    { cwd: ROOT, env: { ...process.env, CELERY_RESULT_BACKEND: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let tail = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let isReady = false;
  const run: WorkerRun = {
    pid: child.pid as number,
    ready,
    exited: new Promise<never>((_, reject) => {
      child.once("exit", (code) => reject(new Error(`worker ${index} exited (${code}): ${tail}`)));
    }),
    stop: async () => {
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
  run.exited.catch(() => {});
  const onData = (d: Buffer): void => {
    if (WORKER_LOG !== undefined) appendFileSync(`${WORKER_LOG}.${index}`, d);
    const text = tail + d.toString();
    const cut = text.lastIndexOf("\n") + 1;
    tail = text.slice(cut);
    for (const line of text.slice(0, cut).split("\n")) {
      if (!isReady && /ready/i.test(line)) {
        isReady = true;
        markReady();
      } else if (line.includes("succeeded in")) onSuccess();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return run;
}

/** A plain amqplib consumer: prefetch 100, one basic.ack per message, no decoding. */
async function drainRaw(): Promise<number> {
  const connection = await amqplib.connect(broker);
  const channel = await connection.createChannel();
  await channel.prefetch(Number(process.env["RAW_PREFETCH"] ?? 100));
  let done = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  startBrokerCpu();
  await new Promise<void>((resolve) => {
    void channel.consume(queue, (msg) => {
      if (msg === null) return;
      channel.ack(msg);
      if (++done === COUNT) resolve();
    });
  });
  stopBrokerCpu();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  workerCpuSeconds = (cpu.user + cpu.system) / 1e6;
  await connection.close();
  return seconds;
}

/** Our AMQP transport alone: consume with the worker's default prefetch (concurrency × 4), ack each delivery at once. */
async function drainTransport(): Promise<number> {
  const transport = await createAmqpTransport({ url: broker });
  let done = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  startBrokerCpu();
  await new Promise<void>((resolve, reject) => {
    transport
      .consume(
        [queue],
        (delivery) => {
          delivery.ack().catch(reject);
          if (++done === COUNT) resolve();
        },
        { prefetch: CONCURRENCY * 4 },
      )
      .catch(reject);
  });
  stopBrokerCpu();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  workerCpuSeconds = (cpu.user + cpu.system) / 1e6;
  await transport.close();
  return seconds;
}

function commandstats(info: string): Map<string, { calls: number; usec: number }> {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1] as string, { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

function redisCpu(info: string): number {
  return Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
}

await enqueue();
const redis = kind === "redis" ? new Redis(broker) : null;
await redis?.config("RESETSTAT");
const cpuBefore = redis === null ? 0 : redisCpu(await redis.info("cpu"));
const seconds = kind === "amqp-raw" ? await drainRaw() : kind === "amqp-transport" ? await drainTransport() : await drainWithWorkers();
let detail = "";
if (redis !== null) {
  const stats = commandstats(await redis.info("commandstats"));
  const redisCpuSeconds = redisCpu(await redis.info("cpu")) - cpuBefore;
  const cpu = redisCpuSeconds / seconds;
  const row = (name: string): string => {
    const s = stats.get(name);
    return s === undefined ? `${name} 0` : `${name} ${s.calls} (${(s.usec / s.calls).toFixed(0)} µs)`;
  };
  const fetches = stats.get("eval")?.calls ?? 0;
  detail = ` | ${row("eval")} = ${(COUNT / Math.max(fetches, 1)).toFixed(1)} msgs/fetch, ${row("brpop")}, ${row("exec")}, ${row("zrem")}, Redis CPU ${(cpu * 100).toFixed(0)} % (${((redisCpuSeconds / COUNT) * 1e6).toFixed(0)} µs/task)`;
  await redis.del(queue);
  redis.disconnect();
} else {
  if (brokerPid !== null)
    detail = ` | RabbitMQ (beam.smp, shared node) CPU ${((brokerCpuSeconds / seconds) * 100).toFixed(0)} % (${((brokerCpuSeconds / COUNT) * 1e6).toFixed(0)} µs/task)`;
  const connection = await amqplib.connect(broker);
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await connection.close();
}
console.log(
  `${kind}${WORKER_PROCESSES > 1 ? ` ${WORKER_PROCESSES} processes` : ""} ${ROOT === path.resolve(import.meta.dirname, "..") ? "this" : ROOT} c${CONCURRENCY} ${workerFlags.join(" ")}: ${COUNT} in ${seconds.toFixed(2)} s = ${(COUNT / seconds).toFixed(0)}/s${workerCpuSeconds > 0 ? `, worker CPU ${((workerCpuSeconds / COUNT) * 1e6).toFixed(0)} µs/task (${((workerCpuSeconds / seconds) * 100).toFixed(0)} %)` : ""}${detail}`,
);
