// Round-trip latency: `client.enqueue("conformance.add", [1, 1])` then `result.get()`, one call after the other, with
// our worker (`proto worker`, the built bin) on the same broker and a Redis (or rpc://) result backend. Prints
// p50/p90/p99/max per round of calls, and the client's event-loop delay and GC pauses, which the tail is made of.
// Usage: node --import tsx bench/latency.ts [broker=redis|amqp] [backend=redis|rpc] [calls=1000] [rounds=5]
// Env: LATENCY_WORKER_ARGS (extra `proto worker` flags, space-separated), LATENCY_WORKER_NODE_ARGS (extra node flags
// for the worker, e.g. --trace-gc), LATENCY_TRACE=1 (print the slowest calls, split into enqueue + get).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { Redis } from "ioredis";
// The shipped build, not the sources: benchmarks measure what users run (npm run build first).
import { createClient } from "../dist/sdk/index.js";
import { AMQP_URL, redisDbUrl } from "../conformance/harness/broker-urls.js";
import { binNodeFlags } from "./harness/bin-node-flags.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BROKER = process.argv[2] ?? "redis";
const BACKEND = process.argv[3] ?? "redis";
const CALLS = Number(process.argv[4] ?? 1000);
const ROUNDS = Number(process.argv[5] ?? 5);
const DB = 27;
const brokerUrl = BROKER === "amqp" ? AMQP_URL : redisDbUrl(DB);
const backendUrl = BACKEND === "rpc" ? "rpc://" : redisDbUrl(DB);
const queue = `bench-latency-${process.pid}`;

// The task module, written next to nothing else so this script stays one file.
const TASKS = path.join(mkdtempSync(path.join(tmpdir(), "bench-latency-")), "add-tasks.mjs");
// A handler gets (args, kwargs), as `proto worker -A` modules do.
writeFileSync(TASKS, 'export const tasks = { "conformance.add": ([a, b]) => a + b };\n');

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const f = (v: number): string => v.toFixed(2).padStart(6);
  return `p50 ${f(percentile(s, 50))}  p90 ${f(percentile(s, 90))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1] ?? Number.NaN)} ms`;
}

if (BROKER === "redis" || BACKEND === "redis") {
  const r = new Redis(redisDbUrl(DB));
  await r.flushdb();
  r.disconnect();
}

const words = (name: string): string[] => (process.env[name] ?? "").split(" ").filter((a) => a !== "");
const extra = words("LATENCY_WORKER_ARGS");
const worker = spawn(
  process.execPath,
  [
    // As bin/proto.js's shebang runs it.
    ...binNodeFlags(ROOT),
    ...words("LATENCY_WORKER_NODE_ARGS"),
    "bin/proto.js",
    "worker",
    "-A",
    TASKS,
    "-Q",
    queue,
    "-c",
    "8",
    "-l",
    "WARNING",
    "-n",
    `bench-latency-${process.pid}@%h`,
    "--broker",
    brokerUrl,
    "--backend",
    backendUrl,
    "--without-mingle",
    "--without-gossip",
    "--without-heartbeat",
    ...extra,
  ],
  { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
);

const client = await createClient({ broker: brokerUrl, backend: backendUrl, defaultQueue: queue });
try {
  // Warm-up: the worker is up once a task comes back; then JIT both sides.
  const warm = await (await client.enqueue("conformance.add", [2, 3])).get({ timeoutMs: 60_000 });
  if (warm !== 5) throw new Error(`conformance.add(2, 3) returned ${JSON.stringify(warm)}: the bench's task module is wrong`);
  for (let i = 0; i < 200; i++) await (await client.enqueue("conformance.add", [1, 1])).get({ timeoutMs: 10_000 });

  console.log(`latency: ${ROUNDS} x ${CALLS} sequential add(1,1), broker ${BROKER}, backend ${BACKEND}, our client -> proto worker`);
  const all: number[] = [];
  const allEnqueued: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const gcPauses: number[] = [];
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcPauses.push(entry.duration);
    });
    gc.observe({ entryTypes: ["gc"] });
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const samples: number[] = [];
    const enqueued: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now();
      const result = await client.enqueue("conformance.add", [1, 1]);
      enqueued.push(performance.now() - start);
      await result.get({ timeoutMs: 10_000 });
      samples.push(performance.now() - start);
    }
    loop.disable();
    gc.disconnect();
    all.push(...samples);
    allEnqueued.push(...enqueued);
    const gcMax = Math.max(0, ...gcPauses);
    console.log(
      `round ${round + 1}: ${summary(samples)}   client loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(2)} max ${(loop.max / 1e6).toFixed(2)} ms, GC ${gcPauses.length} pauses max ${gcMax.toFixed(2)} ms`,
    );
    if (process.env["LATENCY_TRACE"] === "1") {
      const p99 = percentile(
        [...samples].sort((x, y) => x - y),
        99,
      );
      const slow = samples.map((ms, i) => [i, ms] as const).filter(([, ms]) => ms > p99);
      console.log(`  slowest: ${slow.map(([i, ms]) => `#${i} ${ms.toFixed(1)} (enqueue ${(enqueued[i] ?? 0).toFixed(1)})`).join(", ")}`);
    }
  }
  console.log(`all:     ${summary(all)}`);
  // The enqueue alone (publish, and on a Redis backend the SUBSCRIBE): its round trips, less exposed to the worker.
  console.log(`enqueue: ${summary(allEnqueued)}`);
} finally {
  await client.close();
  worker.kill("SIGTERM");
  await new Promise((r) => worker.once("exit", r));
}
