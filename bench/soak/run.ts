// The soak with faults (issue 16): `proto worker` with acks_late under continuous load while the harness SIGKILLs the
// worker and restarts the broker at random (seeded) intervals. At the end every task sent must have run at least once;
// duplicates are counted and each is explained by the fault that caused it (at-least-once delivery).
// Usage: node --import tsx bench/soak/run.ts --broker redis|amqp [--minutes 30] [--rate 100] [--seed 1]
//          [--kill-every 30-90] [--restart-every 150-300] [--out file.json]
// The broker is the soak's own (a redis-server with appendfsync always, or a RabbitMQ node on its own port), so its
// restarts touch no other run. Exits 1 when a task is lost or a duplicate has no explanation.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { createClient } from "../../dist/sdk/index.js";
import { PrivateRedisServer } from "../../conformance/harness/redis-private-server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const QUEUE = "soak";
const VISIBILITY_TIMEOUT_S = 10;

const { values } = parseArgs({
  options: {
    broker: { type: "string" },
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    "kill-every": { type: "string", default: "30-90" },
    "restart-every": { type: "string", default: "150-300" },
    out: { type: "string" },
  },
});
if (values.broker !== "redis" && values.broker !== "amqp") throw new Error("--broker must be redis or amqp");
const kind = values.broker;
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const range = (text: string, flag: string): [number, number] => {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/u.exec(text);
  if (m === null) throw new Error(`${flag} takes MIN-MAX seconds, e.g. 30-90`);
  return [Number(m[1]), Number(m[2])];
};
const killEvery = range(values["kill-every"], "--kill-every");
const restartEvery = range(values["restart-every"], "--restart-every");

// mulberry32: a small seeded generator, so a run's fault schedule can be replayed with --seed.
let seedState = Number(values.seed) >>> 0;
function random(): number {
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = ([min, max]: [number, number]): number => (min + random() * (max - min)) * 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface SoakBroker {
  readonly url: string;
  /** Stops and starts the broker; what it had accepted must survive. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Messages still queued or unacked, once the run is over. */
  leftovers(): Promise<string>;
}

/** A redis-server of its own, `appendfsync always`: a SIGKILL of it loses no write it acknowledged. */
class RedisSoakBroker implements SoakBroker {
  private constructor(private readonly server: PrivateRedisServer) {}
  static async start(scratch: string): Promise<RedisSoakBroker> {
    const dir = path.join(scratch, "redis");
    mkdirSync(dir);
    return new RedisSoakBroker(await PrivateRedisServer.start(["--dir", dir, "--appendonly", "yes", "--appendfsync", "always"]));
  }
  get url(): string {
    return this.server.url(0);
  }
  /** SIGKILL, then started again on the same port and files (the append-only file brings the data back). */
  restart(): Promise<void> {
    return this.server.restart();
  }
  stop(): Promise<void> {
    return this.server.stop();
  }
  async leftovers(): Promise<string> {
    const cli = (...a: string[]) => run("redis-cli", ["-p", String(this.server.port), ...a]).then((r) => r.stdout.trim());
    return `queued ${await cli("llen", QUEUE)}, unacked ${await cli("hlen", "unacked")}`;
  }
}

/** A RabbitMQ node of its own on 5686 (scripts/setup/brokers.sh with override variables); restart = stop_app + start_app. */
class AmqpSoakBroker implements SoakBroker {
  readonly url = "amqp://guest:guest@127.0.0.1:5686/celery-proto";
  private readonly env = {
    ...process.env,
    CELERY_PROTO_AMQP_PORT: "5686",
    CELERY_PROTO_RABBIT_DIST_PORT: "25686",
    CELERY_PROTO_RABBIT_NODE: "celeryproto-soak@localhost",
    CELERY_PROTO_STATE: path.join(ROOT, ".state/soak"),
    CELERY_PROTO_AMQP_URL: "amqp://guest:guest@127.0.0.1:5686/celery-proto",
  };
  private brokers(action: string): Promise<unknown> {
    return run("bash", [path.join(ROOT, "scripts/setup/brokers.sh"), action], { cwd: ROOT, env: this.env, timeout: 180_000 });
  }
  static async start(): Promise<AmqpSoakBroker> {
    const broker = new AmqpSoakBroker();
    await broker.brokers("start");
    // A fresh queue per run: what an earlier run left must not count in this one.
    await broker.ctl("delete_queue", "-p", "celery-proto", QUEUE).catch(() => undefined);
    return broker;
  }
  async restart(): Promise<void> {
    await this.brokers("restart-rabbitmq");
  }
  async stop(): Promise<void> {
    await this.brokers("stop-rabbitmq");
  }
  async leftovers(): Promise<string> {
    const out = await this.ctl("list_queues", "-p", "celery-proto", "name", "messages_ready", "messages_unacknowledged");
    const row = out.split("\n").find((l) => l.startsWith(`${QUEUE}\t`)) ?? `${QUEUE}\t?\t?`;
    const [, ready, unacked] = row.split("\t");
    return `queued ${ready}, unacked ${unacked}`;
  }
  private async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", ...args], {
      env: {
        ...this.env,
        HOME: process.env["HOME"] ?? "/root",
        RABBITMQ_NODENAME: this.env.CELERY_PROTO_RABBIT_NODE,
        RABBITMQ_BASE: path.join(this.env.CELERY_PROTO_STATE, "rabbitmq"),
      },
      timeout: 60_000,
    });
    return stdout;
  }
}

interface Execution {
  readonly n: number;
  readonly pid: number;
  readonly at: number;
}

const scratch = mkdtempSync(path.join(tmpdir(), `celery-proto-soak-${kind}-`));
const ledger = path.join(scratch, "ledger.txt");
writeFileSync(ledger, "");
const broker: SoakBroker = kind === "redis" ? await RedisSoakBroker.start(scratch) : await AmqpSoakBroker.start();
const config = path.join(scratch, "celeryconfig.json");
writeFileSync(
  config,
  JSON.stringify({
    broker_url: broker.url,
    task_default_queue: QUEUE,
    task_acks_late: true,
    task_ignore_result: true,
    broker_transport_options: { visibility_timeout: VISIBILITY_TIMEOUT_S, unacked_restore_interval: 1, unacked_restore_throttle: 5 },
  }),
);

// The worker, SIGKILLed and started again; every incarnation logs to its own file.
const kills: { pid: number; at: number }[] = [];
const restarts: { at: number; back: number }[] = [];
let worker: ChildProcess | null = null;
let incarnation = 0;
let peakRssKb = 0;
function startWorker(): ChildProcess {
  incarnation += 1;
  const logFile = path.join(scratch, `worker-${incarnation}.log`);
  const child = spawn(
    path.join(ROOT, "bin/proto.js"),
    [
      "worker",
      "-A",
      path.join(ROOT, "bench/soak/soak-tasks.mjs"),
      "--config",
      config,
      "-c",
      "8",
      "-l",
      "INFO",
      "-f",
      logFile,
      "--without-mingle",
      "--without-gossip",
    ],
    { cwd: scratch, env: { ...process.env, SOAK_LEDGER: ledger }, stdio: "ignore" },
  );
  child.once("exit", (code, signal) => {
    if (signal !== "SIGKILL" && signal !== "SIGTERM" && !stopping) log(`worker ${child.pid} exited on its own (${code ?? signal}): see ${logFile}`);
  });
  return child;
}
let stopping = false;
const rssTimer = setInterval(() => {
  const pid = worker?.pid;
  if (pid === undefined) return;
  try {
    const m = /VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m !== null) peakRssKb = Math.max(peakRssKb, Number(m[1]));
  } catch {
    // the worker was just killed
  }
}, 1000);
worker = startWorker();

// The producer: `rate` tasks a second, each enqueue awaited (publisher confirms on RabbitMQ); a failed enqueue is
// retried with the same number, so a publish that reached the broker although its enqueue failed is a duplicate the
// ledger explains by its retry.
const client = await createClient({ config });
const sent = new Set<number>();
const idOf = new Map<number, string>();
const retried = new Set<number>();
let producerErrors = 0;
let lastProducerError = "";
const endAt = Date.now() + minutes * 60_000;
async function produce(): Promise<void> {
  const interval = 1000 / rate;
  let next = Date.now();
  for (let n = 0; Date.now() < endAt; n++) {
    for (;;) {
      try {
        const result = await client.enqueue("soak.record", [n, n % 7]);
        sent.add(n);
        idOf.set(n, result.id);
        break;
      } catch (e) {
        producerErrors += 1;
        retried.add(n);
        lastProducerError = (e as Error).message;
        await sleep(250);
      }
    }
    next += interval;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -1000) next = Date.now();
  }
}

async function faults(): Promise<void> {
  let nextKill = Date.now() + between(killEvery);
  let nextRestart = Date.now() + between(restartEvery);
  while (Date.now() < endAt - 30_000) {
    await sleep(200);
    if (Date.now() >= nextKill && worker !== null) {
      const pid = worker.pid!;
      const exited = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGKILL");
      await exited;
      kills.push({ pid, at: Date.now() });
      log(`worker ${pid} SIGKILLed (${kills.length})`);
      await sleep(500 + random() * 1500);
      worker = startWorker();
      nextKill = Date.now() + between(killEvery);
    }
    if (Date.now() >= nextRestart) {
      const at = Date.now();
      await broker.restart();
      restarts.push({ at, back: Date.now() });
      log(`broker restarted (${restarts.length}), down ${Date.now() - at} ms`);
      nextRestart = Date.now() + between(restartEvery);
    }
  }
}

function readLedger(): Execution[] {
  return readFileSync(ledger, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [n, , pid, at] = l.split(" ");
      return { n: Number(n), pid: Number(pid), at: Number(at) };
    });
}

log(
  `${kind}: ${minutes} min at ${rate} tasks/s, seed ${values.seed}, kills every ${values["kill-every"]} s, restarts every ${values["restart-every"]} s; scratch ${scratch}`,
);
const progress = setInterval(() => {
  const executed = new Set(readLedger().map((e) => e.n)).size;
  log(`sent ${sent.size}, executed ${executed}, kills ${kills.length}, restarts ${restarts.length}, producer errors ${producerErrors}`);
}, 60_000);
await Promise.all([produce(), faults()]);
log(`load over: sent ${sent.size}; waiting for the rest to run (redelivery after visibility_timeout ${VISIBILITY_TIMEOUT_S} s)`);

// Every task sent must run; give redelivery and the restore sweep their time, and say what is still missing.
const drainDeadline = Date.now() + (VISIBILITY_TIMEOUT_S + 120) * 1000;
let missing: number[] = [];
for (;;) {
  const ran = new Set(readLedger().map((e) => e.n));
  missing = [...sent].filter((n) => !ran.has(n));
  if (missing.length === 0 || Date.now() > drainDeadline) break;
  await sleep(1000);
}
stopping = true;
clearInterval(progress);
clearInterval(rssTimer);
await client.close();
if (worker !== null) {
  const exited = new Promise((r) => worker!.once("exit", r));
  worker.kill("SIGTERM");
  await exited;
}
const leftovers = await broker.leftovers();
await broker.stop();

// Each duplicate is explained by the fault between its two executions: the first one's worker was SIGKILLed before
// its ack (the kill came after the execution), a broker restart was under way (stopping connections may take seconds)
// between the execution and the next one, or the producer retried a publish whose confirm it never saw.
const executions = readLedger();
const byN = new Map<number, Execution[]>();
for (const e of executions) byN.set(e.n, [...(byN.get(e.n) ?? []), e]);
const causes = { workerKilledBeforeAck: 0, brokerRestartBeforeAck: 0, producerRetry: 0, unexplained: 0 };
const unexplained: number[] = [];
for (const [n, list] of byN) {
  for (let i = 1; i < list.length; i++) {
    const first = list[i - 1]!;
    if (kills.some((k) => k.pid === first.pid && k.at >= first.at)) causes.workerKilledBeforeAck += 1;
    else if (restarts.some((r) => r.back >= first.at && r.at <= list[i]!.at)) causes.brokerRestartBeforeAck += 1;
    else if (retried.has(n)) causes.producerRetry += 1;
    else {
      causes.unexplained += 1;
      unexplained.push(n);
    }
  }
}
const unsent = [...byN.keys()].filter((n) => !sent.has(n)).length;
const summary = {
  broker: kind,
  minutes,
  rate,
  seed: Number(values.seed),
  sent: sent.size,
  executions: executions.length,
  executedUnique: byN.size - unsent,
  lost: missing.length,
  duplicates: executions.length - byN.size,
  duplicateCauses: causes,
  ranWithoutConfirmedSend: unsent,
  workerKills: kills.length,
  brokerRestarts: restarts.length,
  producerErrors,
  lastProducerError,
  peakWorkerRssMb: Math.round(peakRssKb / 1024),
  leftovers,
  scratch,
};
console.log(JSON.stringify(summary, null, 2));
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
if (missing.length > 0)
  console.log(
    `LOST: ${missing
      .slice(0, 20)
      .map((n) => `${n} (${idOf.get(n)})`)
      .join(", ")}${missing.length > 20 ? ", …" : ""}`,
  );
if (unexplained.length > 0) console.log(`UNEXPLAINED duplicates of: ${unexplained.slice(0, 20).join(", ")}`);
process.exit(missing.length === 0 && causes.unexplained === 0 ? 0 : 1);
