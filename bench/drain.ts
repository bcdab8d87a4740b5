// Drain benchmark for one worker build: N pre-enqueued no-op tasks (ignore_result) drained by `proto worker`, timed
// from "ready" to the last task's success line; on Redis with the drain's `INFO commandstats` (fetch scripts and
// messages per fetch, ack MULTIs), on RabbitMQ next to a raw amqplib consumer (prefetch 100, one ack per message)
// draining the same N messages, and to our AMQP transport alone (`amqp-transport`: consume with the worker's prefetch,
// concurrency × 4, and ack each delivery in its callback; no decoding, no task): the worker's cost above the transport. Meant for A/B runs of two builds, alternated: BENCH_ROOT picks the build (a
// directory with bin/, dist/, package.json and bench/tasks/; default this checkout).
// BENCH_NODE_FLAGS adds node flags to the worker (e.g. --cpu-prof).
// Usage: node --import tsx bench/drain.ts <redis|amqp|amqp-raw|amqp-transport> [count=20000] [concurrency=8] [worker flags...]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
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

/** user + system CPU seconds of a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

let workerCpuSeconds = 0;

/** Runs the worker until COUNT success lines; returns the seconds from "ready" to the last one. */
async function drainWithWorker(): Promise<number> {
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
      `bench-drain-${process.pid}@%h`,
      "--broker",
      broker,
      "--without-mingle",
      "--without-heartbeat",
      ...workerFlags,
    ],
    { cwd: ROOT, env: { ...process.env, CELERY_RESULT_BACKEND: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let t0 = 0;
  let cpuAtReady = 0;
  let done = 0;
  let tail = "";
  const finished = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      const text = tail + d.toString();
      const cut = text.lastIndexOf("\n") + 1;
      tail = text.slice(cut);
      for (const line of text.slice(0, cut).split("\n")) {
        if (t0 === 0 && /ready/i.test(line)) {
          t0 = performance.now();
          cpuAtReady = cpuSeconds(child.pid as number);
        } else if (line.includes("succeeded in")) done++;
      }
      if (done >= COUNT) resolve((performance.now() - t0) / 1000);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) after ${done} tasks: ${tail}`)));
  });
  const seconds = await finished;
  workerCpuSeconds = cpuSeconds(child.pid as number) - cpuAtReady;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return seconds;
}

/** A plain amqplib consumer: prefetch 100, one basic.ack per message, no decoding. */
async function drainRaw(): Promise<number> {
  const connection = await amqplib.connect(broker);
  const channel = await connection.createChannel();
  await channel.prefetch(Number(process.env["RAW_PREFETCH"] ?? 100));
  let done = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    void channel.consume(queue, (msg) => {
      if (msg === null) return;
      channel.ack(msg);
      if (++done === COUNT) resolve();
    });
  });
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
const seconds = kind === "amqp-raw" ? await drainRaw() : kind === "amqp-transport" ? await drainTransport() : await drainWithWorker();
let detail = "";
if (redis !== null) {
  const stats = commandstats(await redis.info("commandstats"));
  const cpu = (redisCpu(await redis.info("cpu")) - cpuBefore) / seconds;
  const row = (name: string): string => {
    const s = stats.get(name);
    return s === undefined ? `${name} 0` : `${name} ${s.calls} (${(s.usec / s.calls).toFixed(0)} µs)`;
  };
  const fetches = stats.get("eval")?.calls ?? 0;
  detail = ` | ${row("eval")} = ${(COUNT / Math.max(fetches, 1)).toFixed(1)} msgs/fetch, ${row("brpop")}, ${row("exec")}, ${row("zrem")}, Redis CPU ${(cpu * 100).toFixed(0)} %`;
  await redis.del(queue);
  redis.disconnect();
} else {
  const connection = await amqplib.connect(broker);
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await connection.close();
}
console.log(
  `${kind} ${ROOT === path.resolve(import.meta.dirname, "..") ? "this" : ROOT} c${CONCURRENCY} ${workerFlags.join(" ")}: ${COUNT} in ${seconds.toFixed(2)} s = ${(COUNT / seconds).toFixed(0)}/s${workerCpuSeconds > 0 ? `, worker CPU ${((workerCpuSeconds / COUNT) * 1e6).toFixed(0)} µs/task (${((workerCpuSeconds / seconds) * 100).toFixed(0)} %)` : ""}${detail}`,
);
