// Worker benchmark: the same N pre-enqueued no-op tasks drained by the TypeScript worker (`proto worker`) and by a
// Python Celery worker (prefork, same concurrency), in the same run, on each broker. Reports tasks/s, peak RSS
// (sum over the worker's processes) and the ratios; then the TS worker's rate with 1,000 malformed messages mixed
// into the same queue, and its RSS at concurrency 100.
// Usage: node --import tsx bench/worker.ts [count=20000] [concurrency=8]
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import amqplib from "amqplib";
import { Redis } from "ioredis";
import { createClient } from "../dist/sdk/index.js";
import { AMQP_URL, redisDbUrl } from "../conformance/harness/broker-urls.js";
import { RawAmqpPublisher } from "../conformance/harness/raw-publisher.js";
import { rawRedisEnvelope } from "../conformance/harness/raw-redis-envelope.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const COUNT = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const MALFORMED = 1000;

interface Drain {
  readonly rate: number;
  readonly peakRssMb: number;
}

async function enqueue(broker: string, queue: string): Promise<void> {
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

/** The same valid tasks with 1,000 malformed messages (undecodable body, pickle, no id) mixed in: one after every 20. */
async function enqueueWithMalformed(broker: string, queue: string): Promise<void> {
  const client = await createClient({ broker, backend: null, defaultQueue: queue });
  const redis = broker.startsWith("redis") ? new Redis(broker) : null;
  const amqp = redis === null ? await RawAmqpPublisher.connect(broker) : null;
  await amqp?.declareCeleryQueue(queue);
  const perBad = Math.max(1, Math.floor(COUNT / MALFORMED));
  for (let sent = 0, bad = 0; sent < COUNT; ) {
    const n = Math.min(perBad, COUNT - sent);
    await Promise.all(Array.from({ length: n }, () => client.enqueue("conformance.noop", [], {}, { ignoreResult: true })));
    sent += n;
    if (bad < MALFORMED) {
      const m = malformed(bad++);
      if (redis !== null) await redis.lpush(queue, rawRedisEnvelope(queue, { ...m, encoding: "utf-8" }));
      else
        await amqp!.publish({
          exchange: "",
          routingKey: queue,
          body: Buffer.from(m.body, "latin1"),
          properties: { content_type: m.type, content_encoding: "utf-8", delivery_mode: 2, headers: m.headers },
        });
    }
  }
  redis?.disconnect();
  await amqp?.close();
  await client.close();
}

function malformed(i: number): { headers: Record<string, unknown>; body: string; type: string } {
  const id = randomUUID();
  if (i % 3 === 0) return { headers: { id, task: "conformance.noop", lang: "py" }, body: "[[], {}, {", type: "application/json" };
  if (i % 3 === 1) return { headers: { id, task: "conformance.noop", lang: "py" }, body: "\u0080\u0004K\u0005.", type: "application/x-python-serialize" };
  return { headers: { task: "conformance.noop", lang: "py" }, body: "[[], {}, {}]", type: "application/json" };
}

async function queueLength(broker: string, queue: string): Promise<number> {
  if (broker.startsWith("redis")) {
    const r = new Redis(broker);
    const n = await r.llen(queue);
    r.disconnect();
    return n;
  }
  const connection = await amqplib.connect(broker);
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(queue);
  await connection.close();
  return messageCount;
}

function rssMb(pid: number): number {
  const pids = [pid, ...descendants(pid)];
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // exited
    }
  }
  return out;
}

async function drain(start: () => ChildProcess, isEmpty: () => Promise<boolean>, isReady: (log: string) => boolean): Promise<Drain> {
  const child = start();
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  while (!isReady(log)) {
    if (child.exitCode !== null) throw new Error(`worker exited:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const t0 = performance.now();
  let peak = 0;
  while (!(await isEmpty())) {
    peak = Math.max(peak, rssMb(child.pid!));
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, rssMb(child.pid!));
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return { rate: COUNT / seconds, peakRssMb: peak };
}

function tsWorker(broker: string, queue: string, concurrency: number): () => ChildProcess {
  return () =>
    spawn(
      process.execPath,
      [
        "--max-semi-space-size=4",
        "bin/proto.js",
        "worker",
        "-A",
        "bench/tasks/noop-tasks.mjs",
        "-Q",
        queue,
        "-c",
        String(concurrency),
        "-l",
        "INFO",
        "-n",
        `bench-ts-${process.pid}@%h`,
        "--broker",
        broker,
        "--without-mingle",
        "--without-heartbeat",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, CELERY_RESULT_BACKEND: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
}

function pyWorker(broker: string, queue: string): () => ChildProcess {
  return () =>
    spawn(
      path.join(ROOT, ".venv/bin/celery"),
      [
        "-A",
        "conformance_app",
        "worker",
        "-P",
        "prefork",
        "-c",
        String(CONCURRENCY),
        "-Q",
        queue,
        "-n",
        `bench-py-${process.pid}@%h`,
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-l",
        "INFO",
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PYTHONPATH: path.join(ROOT, "conformance/python"),
          CONFORMANCE_BROKER_URL: broker,
          CONFORMANCE_RESULT_BACKEND: "",
          CONFORMANCE_QUEUE: queue,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
}

const rows: string[] = [];
for (const [name, broker] of [
  ["redis", redisDbUrl(28)],
  ["amqp", AMQP_URL],
] as const) {
  const queue = `bench-worker-${process.pid}-${name}`;
  const empty = async (): Promise<boolean> => (await queueLength(broker, queue)) === 0;
  await enqueue(broker, queue);
  const py = await drain(pyWorker(broker, queue), empty, (log) => /ready\./.test(log));
  await enqueue(broker, queue);
  const ts = await drain(tsWorker(broker, queue, CONCURRENCY), empty, (log) => /ready/i.test(log));
  rows.push(
    `${name.padEnd(6)} python ${py.rate.toFixed(0).padStart(6)}/s ${py.peakRssMb.toFixed(0).padStart(5)} MB   celery-proto ${ts.rate.toFixed(0).padStart(6)}/s ${ts.peakRssMb.toFixed(0).padStart(4)} MB   rate ${(ts.rate / py.rate).toFixed(2)}x  memory ${(ts.peakRssMb / py.peakRssMb).toFixed(2)}x`,
  );
  await enqueueWithMalformed(broker, queue);
  const mixed = await drain(tsWorker(broker, queue, CONCURRENCY), empty, (log) => /ready/i.test(log));
  rows.push(
    `${name.padEnd(6)} celery-proto with ${MALFORMED} malformed mixed in: ${mixed.rate.toFixed(0)}/s (${((mixed.rate / ts.rate) * 100).toFixed(0)}% of the clean drain), peak RSS ${mixed.peakRssMb.toFixed(0)} MB`,
  );
  if (name === "redis") {
    await enqueue(broker, queue);
    const wide = await drain(tsWorker(broker, queue, 100), empty, (log) => /ready/i.test(log));
    rows.push(`redis  celery-proto at concurrency 100: ${wide.rate.toFixed(0)}/s, peak RSS ${wide.peakRssMb.toFixed(0)} MB`);
  }
}
console.log(`worker: ${COUNT} pre-enqueued no-op tasks (ignore_result), concurrency ${CONCURRENCY} (Python prefork, celery-proto async pool)`);
for (const row of rows) console.log(row);
