// Beat against real brokers and real Celery, both directions, plus leader election. The scenarios run
// concurrently (each needs a minute boundary or a minute of sends), so the file takes about 70 s in all:
//  1. `proto beat` (interval 1 s + crontab every minute) drives a Python Celery worker, on Redis and on RabbitMQ:
//     tasks arrive within 1 s of their due time, with queue/priority/expires/headers applied; results readable.
//  2. Python `celery beat` (conformance_app's schedule + a crontab entry) drives a `proto worker`, on both brokers.
//  3. Two `proto beat --lock` processes on one schedule until a minute boundary and 15 s at least, the leader killed
//     with SIGKILL mid-way: every send happens exactly once, and the standby takes over within the lease.
//  4. `proto beat` restarts with an overdue entry (fires once), reloads on SIGHUP and stops cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { AMQP_URL, type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { parseBeatSends, parseSentIds, ProtoBeatProcess } from "../harness/proto-beat-process.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RedisResultReader } from "../harness/result-reader.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TMP = mkdtempSync(path.join(tmpdir(), "beat-live-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

const BROKER_DB: Readonly<Record<BrokerKind, number>> = { redis: 20, amqp: 20 };
const RESULT_DB = 21;
const LOCK_DB = 22;
const CELERY_BEAT_DB = 23;
const RELOAD_DB = 28;
const MINUTE = 60_000;

function brokerUrl(kind: BrokerKind, db: number): string {
  return kind === "redis" ? redisDbUrl(db) : AMQP_URL;
}

async function flush(db: number): Promise<void> {
  const r = new Redis(redisDbUrl(db), { maxRetriesPerRequest: 2 });
  await r.flushdb();
  await r.quit();
}

interface EchoRequestResult {
  readonly args: readonly string[];
  readonly utc_now: string;
  readonly request: Readonly<Record<string, unknown>>;
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function protoBeatDrivesPythonWorker(kind: BrokerKind): Promise<void> {
  const queue = `beat-live-${kind}`;
  const schedule = path.join(TMP, `proto-${kind}.json`);
  writeFileSync(
    schedule,
    JSON.stringify({
      timezone: "Europe/Berlin",
      entries: {
        "interval-1s": {
          task: "conformance.echo_request",
          schedule: { every: 1 },
          args: ["interval"],
          options: { queue, priority: 5, expires: 60, headers: { "x-beat": "proto" } },
        },
        "cron-every-minute": { task: "conformance.echo_request", schedule: { cron: "* * * * *" }, args: ["cron"], options: { queue } },
      },
    }),
  );
  const worker = await PythonWorker.start({ brokerUrl: brokerUrl(kind, BROKER_DB[kind]), resultBackend: redisDbUrl(RESULT_DB), queue });
  const results = new RedisResultReader(redisDbUrl(RESULT_DB));
  let beat: ProtoBeatProcess | undefined;
  try {
    beat = await ProtoBeatProcess.start([
      schedule,
      "--broker",
      brokerUrl(kind, BROKER_DB[kind]),
      "-s",
      path.join(TMP, `proto-${kind}-state.json`),
      "-l",
      "debug",
    ]);
    const b = beat;
    // A crontab `* * * * *` fires at the next minute boundary: at most 60 s away.
    await until(
      () => b.sends.some((s) => s.entry === "cron-every-minute") && b.sends.filter((s) => s.entry === "interval-1s").length >= 5,
      75_000,
      "a crontab send and 5 interval sends",
    );
    await beat.stop();
    const sends = beat.sends;
    const ids = parseSentIds(beat.log, "conformance.echo_request");
    assert.equal(ids.length, sends.length, "one id per logged send");
    const arrivals: { entry: string; sentAt: number; arrivedAt: number; result: EchoRequestResult }[] = [];
    for (const [i, id] of ids.entries()) {
      const meta = await results.waitFor(id, 60_000).catch((e: Error) => {
        throw new Error(`${kind}: send ${i} (${sends[i]!.entry}) has no result: ${e.message}\n--- worker log (tail) ---\n${worker.log.slice(-4000)}`);
      });
      assert.equal(meta.status, "SUCCESS", `${id}: ${JSON.stringify(meta)}`);
      const result = meta.result as unknown as EchoRequestResult;
      arrivals.push({ entry: sends[i]!.entry, sentAt: sends[i]!.at, arrivedAt: Date.parse(result.utc_now), result });
    }
    const interval = arrivals.filter((a) => a.entry === "interval-1s");
    for (let i = 1; i < interval.length; i++) {
      // Celery's interval semantics: run n is due `every` after run n-1 was actually sent.
      const due = interval[i - 1]!.sentAt + 1000;
      const late = interval[i]!.arrivedAt - due;
      assert.ok(late > -50 && late < 1000, `interval run ${i} arrived ${late} ms after its due time`);
    }
    for (const c of arrivals.filter((a) => a.entry === "cron-every-minute")) {
      const due = Math.floor(c.arrivedAt / MINUTE) * MINUTE;
      assert.ok(c.arrivedAt - due < 1000, `crontab run arrived ${c.arrivedAt - due} ms after the minute`);
      assert.deepEqual(c.result.args, ["cron"]);
    }
    const first = interval[0]!.result.request;
    const deliveryInfo = first["delivery_info"] as Record<string, unknown>;
    assert.equal(deliveryInfo["routing_key"], queue);
    assert.equal(deliveryInfo["priority"], 5);
    assert.match(JSON.stringify(first["expires"]), /\d{4}-\d\d-\d\dT/u, "expires applied");
    const headers = JSON.stringify(first["headers"] ?? first);
    assert.match(headers, /"x-beat":"proto"/u);
    assert.match(headers, /"celery_beat_task":true/u);
    assert.equal(first["parent_id"], null);
    assert.equal(first["root_id"], first["id"]);
  } finally {
    await beat?.stop();
    await worker.stop();
    await results.close();
  }
}

async function celeryBeatDrivesProtoWorker(kind: BrokerKind): Promise<void> {
  const queue = `celery-beat-live-${kind}`;
  const priorityQueue = `celery-beat-live-${kind}-priority`;
  const broker = brokerUrl(kind, CELERY_BEAT_DB);
  const backend = redisDbUrl(RESULT_DB);
  const worker = await ProtoWorkerProcess.start([
    "-A",
    "conformance/ts-tasks/conformance-tasks.ts",
    "-Q",
    queue,
    "-l",
    "info",
    "--broker",
    broker,
    "--backend",
    backend,
    "--without-mingle",
    "--without-heartbeat",
  ]);
  const celery = path.join(ROOT, ".venv/bin/celery");
  const child = spawn(celery, ["-A", "conformance_app", "beat", "-l", "debug", "-s", path.join(TMP, `celerybeat-${kind}`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      PYTHONPATH: path.join(ROOT, "conformance/python"),
      PYTHONUNBUFFERED: "1",
      CONFORMANCE_BROKER_URL: broker,
      CONFORMANCE_RESULT_BACKEND: backend,
      CONFORMANCE_QUEUE: queue,
      CONFORMANCE_PRIORITY_QUEUE: priorityQueue,
      CONFORMANCE_BEAT_SCHEDULE: "1",
      CONFORMANCE_BEAT_CRONTAB: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const results = new RedisResultReader(backend);
  try {
    await until(
      () => parseBeatSends(log).some((s) => s.entry === "conformance-echo-crontab") && parseSentIds(log, "conformance.add").length >= 4,
      80_000,
      `celery beat (${kind}) crontab and interval sends:\n${log}`,
    );
    child.kill("SIGTERM");
    await exited;
    const sends = parseBeatSends(log);
    const ids = [...log.matchAll(/ sent\. id->([0-9a-f-]{36})/gu)].map((m) => m[1]!);
    // SIGTERM can land between a send's "Sending due task" line and its "sent. id->" line: that last send is unknown.
    assert.ok(ids.length === sends.length || ids.length === sends.length - 1, `one id per logged send (${ids.length} ids, ${sends.length} sends)`);
    const done = new Map<string, number[]>();
    for (const [i, s] of sends.slice(0, ids.length).entries()) {
      if (s.entry === "conformance-echo-options-every-1s") continue; // its queue (x-max-priority) is not consumed here
      const meta = await results.waitFor(ids[i]!, 60_000).catch((e: Error) => {
        throw new Error(`${kind}: send ${i} (${s.entry}) has no result: ${e.message}\n--- proto worker log (tail) ---\n${worker.log.slice(-4000)}`);
      });
      assert.equal(meta.status, "SUCCESS", JSON.stringify(meta));
      assert.deepEqual(meta.result, s.task === "conformance.add" ? 3 : { args: ["cron"], kwargs: {} });
      done.set(s.entry, [...(done.get(s.entry) ?? []), Date.parse(String(meta.date_done))]);
    }
    const addSends = sends.filter((s) => s.entry === "conformance-add-every-1s");
    const addDone = done.get("conformance-add-every-1s") ?? [];
    assert.ok(addDone.length >= 4);
    for (let i = 1; i < addDone.length; i++) {
      const late = addDone[i]! - (addSends[i - 1]!.at + 1000);
      assert.ok(late > -50 && late < 1000, `add run ${i} finished ${late} ms after its due time`);
    }
    for (const t of done.get("conformance-echo-crontab") ?? []) {
      assert.ok(t - Math.floor(t / MINUTE) * MINUTE < 1000, `the crontab task finished ${t % MINUTE} ms after the minute`);
    }
    const cron = sends.filter((s) => s.entry === "conformance-echo-crontab");
    for (const c of cron) assert.ok(c.at - Math.floor(c.at / MINUTE) * MINUTE < 1000, "celery beat sent the crontab entry on the minute");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await worker.stop();
    await results.close();
  }
}

async function twoLockedBeatsSendOnce(): Promise<void> {
  const LEASE_S = 3;
  const queue = "beat-lock-live";
  const schedule = path.join(TMP, "lock.yaml");
  writeFileSync(
    schedule,
    [
      "entries:",
      "  a-every-1s: {task: conformance.noop, schedule: {every: 1}, options: {queue: beat-lock-live}}",
      "  b-every-1s: {task: conformance.noop, schedule: {every: 1}, options: {queue: beat-lock-live}}",
      "  c-every-minute: {task: conformance.noop, schedule: {cron: '* * * * *'}, options: {queue: beat-lock-live}}",
      "",
    ].join("\n"),
  );
  const args = (n: number): string[] => [
    schedule,
    "--broker",
    redisDbUrl(LOCK_DB),
    "-s",
    path.join(TMP, `lock-state-${n}.json`),
    "-l",
    "info",
    "--lock",
    redisDbUrl(LOCK_DB),
    "--lock-key",
    "beat-live:lock",
    "--lock-lease",
    String(LEASE_S),
  ];
  const beats = [await ProtoBeatProcess.start(args(1)), await ProtoBeatProcess.start(args(2))];
  try {
    await until(() => beats.some((b) => /now the leader/u.test(b.log)), 15_000, "a leader");
    // Three leases and more: the leader renewed its lease several times while the standby kept trying.
    await new Promise((r) => setTimeout(r, 10_000));
    const leader = beats.find((b) => /now the leader/u.test(b.log))!;
    const standby = beats.find((b) => b !== leader)!;
    assert.equal(standby.sends.length, 0, "the standby sent nothing while the leader held the lease");
    const killedAt = Date.now();
    leader.signal("SIGKILL");
    await leader.exited;
    await standby.waitFor(/now the leader/u, (LEASE_S + 5) * 1000);
    const tookOverAfter = Date.now() - killedAt;
    assert.ok(tookOverAfter <= (LEASE_S + 1.5) * 1000, `standby took over ${tookOverAfter} ms after the kill (lease ${LEASE_S} s)`);
    // Until the crontab entry was sent at a minute boundary, and 5 s of the new leader's sends at least.
    const tookOverAt = Date.now();
    await until(
      () => [...leader.sends, ...standby.sends].some((s) => s.entry === "c-every-minute") && Date.now() - tookOverAt >= 5_000,
      70_000,
      "a crontab send at the minute boundary, and 5 s after the takeover",
    );
    await standby.stop();
    const sends = [...leader.sends, ...standby.sends].sort((x, y) => x.at - y.at);
    const r = new Redis(redisDbUrl(LOCK_DB), { maxRetriesPerRequest: 2 });
    const queued = await r.llen(queue);
    await r.quit();
    // Beat is at most once, as Celery's: an entry is logged and reserved before it is sent, so the SIGKILL may land
    // between the log line and the LPUSH of the one send in flight (the next tick never re-sends a reserved run).
    assert.ok(
      queued === sends.length || queued === sends.length - 1,
      `every logged send is one message on the queue (but the one in flight at the kill), and nothing else was sent: ${queued} queued, ${sends.length} logged`,
    );
    for (const entry of ["a-every-1s", "b-every-1s"]) {
      const times = sends.filter((s) => s.entry === entry).map((s) => s.at);
      const span = times[times.length - 1]! - times[0]!;
      assert.ok(span >= 14_000, `${entry}: sends span ${span} ms`);
      // One send a second but for the takeover.
      assert.ok(times.length >= span / 1000 - (tookOverAfter / 1000 + 2), `${entry} sent ${times.length} times in ${span} ms`);
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        assert.ok(gap >= 950, `${entry}: two sends ${gap} ms apart (a duplicate)`);
        // The longest gap is the takeover (measured above, at most the lease + 1.5 s) after the last send before the
        // kill, which was at most one interval earlier; 1 s more for a loaded machine.
        assert.ok(gap <= 1000 + tookOverAfter + 1000, `${entry}: a gap of ${gap} ms (the takeover took ${tookOverAfter} ms)`);
      }
    }
    const cron = sends.filter((s) => s.entry === "c-every-minute").map((s) => Math.floor(s.at / MINUTE));
    assert.ok(cron.length >= 1, "the crontab entry was sent at the minute boundary");
    assert.equal(new Set(cron).size, cron.length, "the crontab entry was sent once per minute");
  } finally {
    for (const b of beats) await b.stop();
  }
}

async function reloadRestartAndShutdown(): Promise<void> {
  const queue = "beat-reload-live";
  const schedule = path.join(TMP, "reload.yaml");
  const state = path.join(TMP, "reload-state.json");
  const broker = redisDbUrl(RELOAD_DB);
  // State as a previous run left it: `slow` last ran an hour ago, so it is overdue by 59 minutes.
  writeFileSync(
    state,
    JSON.stringify({ version: 1, timezone: "UTC", entries: { slow: { last_run_at: new Date(Date.now() - 3_600_000).toISOString(), total_run_count: 5 } } }),
  );
  writeFileSync(
    schedule,
    `entries:\n  slow: {task: t.slow, schedule: {every: 60}, options: {queue: ${queue}}}\n  fast: {task: t.before, schedule: {every: 1}, options: {queue: ${queue}}}\n`,
  );
  const beat = await ProtoBeatProcess.start([schedule, "--broker", broker, "-s", state, "-l", "info"]);
  try {
    await beat.waitFor(/Sending due task fast \(t\.before\)/u, 15_000);
    writeFileSync(
      schedule,
      `entries:\n  slow: {task: t.slow, schedule: {every: 60}, options: {queue: ${queue}}}\n  fast: {task: t.after, schedule: {every: 1}, options: {queue: ${queue}}}\n`,
    );
    beat.signal("SIGHUP");
    await beat.waitFor(/schedule reloaded/u, 10_000);
    await beat.waitFor(/Sending due task fast \(t\.after\)/u, 10_000);
    beat.signal("SIGTERM");
    const exit = await beat.exited;
    assert.equal(exit.code, 0, beat.log);
    assert.match(beat.log, /beat: Shutting down/u);
    const slow = beat.sends.filter((s) => s.entry === "slow");
    assert.equal(slow.length, 1, "the missed run fired once, not once per missed interval, then re-anchored");
    assert.ok(slow[0]!.at <= beat.sends[0]!.at + 50, "the overdue entry is sent at start");
    const saved = JSON.parse(readFileSync(state, "utf8")) as { entries: Record<string, { last_run_at: string; total_run_count: number }> };
    assert.equal(saved.entries["slow"]!.total_run_count, 6);
    assert.ok(Math.abs(Date.parse(saved.entries["slow"]!.last_run_at) - slow[0]!.at) < 1000, "re-anchored on the send");
    assert.equal(
      saved.entries["fast"]!.total_run_count,
      beat.sends.filter((s) => s.entry === "fast").length,
      "the state file counts every send, across the reload",
    );
    const r = new Redis(broker, { maxRetriesPerRequest: 2 });
    const queued = await r.llen(queue);
    await r.quit();
    assert.equal(queued, beat.sends.length);
  } finally {
    await beat.stop();
  }
}

describe("beat live (real brokers, real Celery)", { concurrency: true }, async () => {
  await Promise.all([flush(BROKER_DB.redis), flush(RESULT_DB), flush(LOCK_DB), flush(CELERY_BEAT_DB), flush(RELOAD_DB)]);
  it("proto beat drives a Python Celery worker on Redis and RabbitMQ (interval + crontab, options applied)", { timeout: 150_000 }, async () => {
    await Promise.all((["redis", "amqp"] as const).map((kind) => protoBeatDrivesPythonWorker(kind)));
  });
  it("celery beat drives a proto worker on Redis and RabbitMQ (interval + crontab)", { timeout: 150_000 }, async () => {
    await Promise.all((["redis", "amqp"] as const).map((kind) => celeryBeatDrivesProtoWorker(kind)));
  });
  it("two proto beats with --lock: each due task sent exactly once; the standby takes over within the lease", { timeout: 150_000 }, async () => {
    await twoLockedBeatsSendOnce();
  });
  it("proto beat: a missed run fires once then re-anchors; SIGHUP reloads the schedule; SIGTERM exits 0 with the state saved", {
    timeout: 60_000,
  }, async () => {
    await reloadRestartAndShutdown();
  });
});
