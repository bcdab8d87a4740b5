// `proto worker --consumer-processes 2` against real Celery 5.7, on Redis and RabbitMQ: one node name, a node process
// that consumes nothing (remote control, heartbeats) and two forked consumer processes that share -c. Tasks sent by
// Python's apply_async run exactly once, in both children, and Python reads the results; the real `celery inspect
// ping` gets one reply; Celery's EventReceiver sees both children's task events under the node's name and the
// node's worker-heartbeat carrying the children's totals (active, processed); a child killed with SIGKILL is logged as billiard logs a lost pool process and replaced while
// the node keeps draining; replacement children get the node's revoked ids; SIGTERM to the node stops every process,
// and after SIGKILL to the node its children exit on their own.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AMQP_URL, BROKERS, redisDbUrl } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientResult } from "../harness/celery-client-script.js";
import { poll } from "../harness/poll.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonProcess, runCelery } from "./worker-control-python.js";

const DB = 27;
const TASKS = "conformance/ts-tasks/consumer-processes-tasks.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const broker of BROKERS) {
  describe(`proto worker --consumer-processes 2 (${broker})`, { timeout: 180_000 }, () => {
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    const backend = redisDbUrl(DB + 1);
    const queue = `multiproc-${broker}-${process.pid}`;
    const node = `multiproc-${broker}-${process.pid}@localhost`;
    const dir = mkdtempSync(path.join(os.tmpdir(), "consumer-processes-"));
    const runsFile = path.join(dir, "runs.txt");
    let worker: ProtoWorkerProcess;

    before(async () => {
      writeFileSync(runsFile, "");
      worker = await ProtoWorkerProcess.start(
        [
          "-A",
          TASKS,
          "-b",
          brokerUrl,
          "--backend",
          backend,
          "-Q",
          queue,
          "-n",
          node,
          "-c",
          "4",
          "--consumer-processes",
          "2",
          "-l",
          "info",
          "--without-gossip",
          "-E",
        ],
        {},
      );
    });

    after(async () => {
      await worker?.stop(10_000);
      for (const pid of childPids) if (alive(pid)) process.kill(pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });

    /** Sends `count` tasks with Python's apply_async and waits for every result with AsyncResult.get(). */
    const drain = async (prefix: string, count: number, sleepMs: number): Promise<ClientResult[]> => {
      const calls = Array.from({ length: count }, (_, i) => ({ task: "multiproc.whoami", args: JSON.stringify([`${prefix}-${i}`, runsFile, sleepMs]) }));
      return runCeleryClient("call", { broker: brokerUrl, backend, queue, calls, timeout: 60 }, 90_000);
    };

    const runsOf = (prefix: string): Map<string, number> => {
      const runs = new Map<string, number>();
      for (const line of readFileSync(runsFile, "utf8").split("\n")) {
        const [token] = line.split(" ");
        if (token?.startsWith(`${prefix}-`)) runs.set(token, (runs.get(token) ?? 0) + 1);
      }
      return runs;
    };

    let childPids: number[] = [];

    it("drains Python's tasks: each runs exactly once, both consumer processes run some, Python reads every result", async () => {
      const results = await drain("first", 60, 20);
      assert.equal(results.length, 60);
      for (const r of results) assert.ok(r.ok && r.state === "SUCCESS", JSON.stringify(r));
      childPids = [...new Set(results.map((r) => (r.ok ? Number(r.value) : 0)))];
      assert.equal(childPids.length, 2, `two consumer processes ran tasks: ${childPids.join(", ")}`);
      assert.ok(!childPids.includes(worker.pid), "the node process consumes nothing");
      const runs = runsOf("first");
      assert.equal(runs.size, 60);
      assert.ok(
        [...runs.values()].every((n) => n === 1),
        "every task ran exactly once",
      );
    });

    it("the real `celery inspect ping` gets one reply from the node", async () => {
      // The node logs `ready.` once its remote control answers, before its consumer processes consume: no retry.
      const result = await runCelery({ brokerUrl, resultBackend: backend }, ["inspect", "ping", "-d", node, "--json", "-t", "3"]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { [node]: { ok: "pong" } });
    });

    it("a real Celery event receiver sees both consumer processes' task events and the node's heartbeats with their totals", async () => {
      const receiver = PythonProcess.start({ brokerUrl, resultBackend: backend }, "python", ["conformance/python/reference/event_stream.py"]);
      try {
        type Event = { type: string; hostname: string; uuid: string | null; active: number | null; processed: number | null };
        const events = (): Event[] =>
          receiver.stdout
            .split("\n")
            .filter((line) => line.startsWith("{"))
            .map((line) => JSON.parse(line) as Event);
        const heartbeats = (): Event[] => events().filter((e) => e.type === "worker-heartbeat" && e.hostname === node);
        // The receiver's queue is bound once it sees the node's first heartbeat.
        await poll(
          async () => heartbeats().length > 0,
          15_000,
          () => `no worker-heartbeat from ${node}:\n${receiver.stdout}\n${receiver.stderr}`,
        );
        const calls = Array.from({ length: 4 }, (_, i) => ({ task: "multiproc.whoami", args: JSON.stringify([`beat-${i}`, runsFile, 8_000]) }));
        const sent = await runCeleryClient("send", { broker: brokerUrl, backend, queue, calls });
        const started = (): Map<string, string> =>
          new Map(
            readFileSync(runsFile, "utf8")
              .split("\n")
              .filter((line) => line.startsWith("beat-"))
              .map((line) => [line.split(" ")[0] ?? "", line.split(" ")[1] ?? ""]),
          );
        await poll(
          async () => new Set(started().values()).size === 2,
          20_000,
          () => `the long tasks do not run in both consumer processes: ${readFileSync(runsFile, "utf8")}`,
        );
        const runningSince = heartbeats().length;
        // The children push their counts once per heartbeat interval: a heartbeat within a few reports the running ones.
        await poll(
          async () =>
            heartbeats()
              .slice(runningSince)
              .some((e) => e.active === started().size),
          8_000,
          () => `no heartbeat with active=${started().size}: ${JSON.stringify(heartbeats().slice(runningSince))}`,
        );
        const results = await runCeleryClient("get", { broker: brokerUrl, backend, queue, ids: sent.map((t) => t.id), timeout: 40 });
        for (const r of results) assert.ok(r.ok && r.state === "SUCCESS", JSON.stringify(r));
        const total = 60 + sent.length;
        const doneSince = heartbeats().length;
        await poll(
          async () =>
            heartbeats()
              .slice(doneSince)
              .some((e) => e.processed === total && e.active === 0),
          8_000,
          () => `no heartbeat with processed=${total}, active=0: ${JSON.stringify(heartbeats().slice(doneSince))}`,
        );
        await poll(
          async () => events().filter((e) => e.type === "task-succeeded" && sent.some((t) => t.id === e.uuid)).length === sent.length,
          5_000,
          () => `task-succeeded missing: ${receiver.stdout}`,
        );
        for (const type of ["task-received", "task-started", "task-succeeded"]) {
          const seen = events().filter((e) => e.type === type && sent.some((t) => t.id === e.uuid));
          assert.deepEqual(seen.map((e) => e.uuid).sort(), sent.map((t) => t.id).sort(), `one ${type} per task`);
          assert.ok(
            seen.every((e) => e.hostname === node),
            `${type} under the node's hostname: ${JSON.stringify(seen)}`,
          );
        }
        assert.equal(new Set(started().values()).size, 2, "the tasks whose events were seen ran in both consumer processes");
      } finally {
        await receiver.stop("SIGKILL");
      }
    });

    it("remote control from the real Celery CLI: active, stats, terminate (revoke with terminate) and revoked under the one node name", async () => {
      const env = { brokerUrl, resultBackend: backend };
      const cli = async (args: readonly string[]): Promise<unknown> => {
        const result = await runCelery(env, [...args, "-d", node, "--json", "-t", "5"]);
        assert.equal(result.code, 0, result.stderr);
        return JSON.parse(result.stdout);
      };
      const calls = Array.from({ length: 4 }, (_, i) => ({ task: "multiproc.whoami", args: JSON.stringify([`long-${i}`, runsFile, 6_000]) }));
      const sent = await runCeleryClient("send", { broker: brokerUrl, backend, queue, calls });
      // Each consumer process prefetches on its own (as prefork's children share one prefetch window, but here per
      // process): one may hold three of the four, running two and reserving one.
      const started = (): Map<string, string> =>
        new Map(
          readFileSync(runsFile, "utf8")
            .split("\n")
            .filter((line) => line.startsWith("long-"))
            .map((line) => [line.split(" ")[0] ?? "", line.split(" ")[1] ?? ""]),
        );
      await poll(
        async () => new Set(started().values()).size === 2,
        20_000,
        () => `the long tasks do not run in both consumer processes: ${readFileSync(runsFile, "utf8")}`,
      );
      const idOf = (token: string): string => sent[Number(token.slice("long-".length))]?.id ?? "";
      const running = [...started().keys()].map(idOf).sort();
      const active = (await cli(["inspect", "active"])) as Record<string, { id: string; hostname: string }[]>;
      assert.deepEqual(Object.keys(active), [node], "one reply, from the node");
      assert.deepEqual(active[node]?.map((t) => t.id).sort(), running, JSON.stringify(active));
      assert.ok(active[node]?.every((t) => t.hostname === node));
      const reserved = (await cli(["inspect", "reserved"])) as Record<string, { id: string }[]>;
      assert.deepEqual(
        [...running, ...(reserved[node] ?? []).map((t) => t.id)].sort(),
        sent.map((t) => t.id).sort(),
        "what runs and what is reserved, over both consumer processes, is every task sent",
      );
      const stats = (await cli(["inspect", "stats"])) as Record<string, { total: Record<string, number>; pool: { processes: number[] } }>;
      assert.ok((stats[node]?.total["multiproc.whoami"] ?? 0) >= 64, JSON.stringify(stats[node]?.total));
      assert.deepEqual([...(stats[node]?.pool.processes ?? [])].sort(), [...childPids].sort(), "the pool processes listed are the consumer processes");
      const victim = running[0] ?? "";
      const revoke = (await cli(["control", "terminate", "SIGTERM", victim])) as Record<string, { ok: string }>[];
      assert.deepEqual(revoke, [{ [node]: { ok: `terminate: ${victim}` } }]);
      const revoked = (await cli(["inspect", "revoked"])) as Record<string, string[]>;
      assert.ok(revoked[node]?.includes(victim), JSON.stringify(revoked));
      const results = await runCeleryClient("get", { broker: brokerUrl, backend, queue, ids: sent.map((t) => t.id), timeout: 30 });
      assert.deepEqual(
        results.map((r) => [r.id, r.state]),
        sent.map((t) => [t.id, t.id === victim ? "REVOKED" : "SUCCESS"]),
      );
    });

    it("a consumer process killed with SIGKILL is logged as billiard logs a lost process and replaced; the node keeps draining", async () => {
      const [victim] = childPids;
      assert.ok(victim !== undefined);
      process.kill(victim, "SIGKILL");
      await worker.waitFor(new RegExp(`Process 'ConsumerProcess-\\d' pid:${victim} exited with 'signal 9 \\(SIGKILL\\)'`), 10_000);
      // The node and its two first consumer processes logged `ready.`; the replacement logs it once it consumes.
      await poll(
        async () => worker.count(/ ready\.$/) >= 4,
        30_000,
        () => `no replacement consumer process became ready:\n${worker.log}`,
      );
      const results = await drain("second", 40, 20);
      for (const r of results) assert.ok(r.ok && r.state === "SUCCESS", JSON.stringify(r));
      const pids = new Set(results.map((r) => (r.ok ? Number(r.value) : 0)));
      assert.ok(!pids.has(victim), "the killed process ran nothing more");
      assert.equal(pids.size, 2, "the replacement and the other consumer process both run tasks");
      childPids = [...pids];
      const runs = runsOf("second");
      assert.equal(runs.size, 40);
      assert.ok([...runs.values()].every((n) => n === 1));
    });

    it("consumer processes started after a revoke (replacements) get the node's revoked ids: the revoked task is discarded, not run", async () => {
      const env = { brokerUrl, resultBackend: backend };
      const id = randomUUID();
      const revoke = await runCelery(env, ["control", "revoke", id, "-d", node, "--json", "-t", "5"]);
      assert.equal(revoke.code, 0, revoke.stderr);
      const readyBefore = worker.count(/ ready\.$/);
      // Both consumer processes are replaced, so whichever receives the task started after the revoke.
      for (const pid of childPids) process.kill(pid, "SIGKILL");
      for (const pid of childPids) await worker.waitFor(new RegExp(`Process 'ConsumerProcess-\\d' pid:${pid} exited with 'signal 9 \\(SIGKILL\\)'`), 10_000);
      await poll(
        async () => worker.count(/ ready\.$/) >= readyBefore + 2,
        30_000,
        () => `the replacement consumer processes did not become ready:\n${worker.log}`,
      );
      const calls = [{ task: "multiproc.whoami", args: JSON.stringify(["revoked-0", runsFile, 20]), options: { task_id: id } }];
      await runCeleryClient("send", { broker: brokerUrl, backend, queue, calls });
      const [result] = await runCeleryClient("get", { broker: brokerUrl, backend, queue, ids: [id], timeout: 20 });
      assert.equal(result?.state, "REVOKED", JSON.stringify(result));
      assert.ok(!readFileSync(runsFile, "utf8").includes("revoked-0"), "the revoked task did not run");
      const stats = await runCelery(env, ["inspect", "stats", "-d", node, "--json", "-t", "5"]);
      assert.equal(stats.code, 0, stats.stderr);
      childPids = (JSON.parse(stats.stdout) as Record<string, { pool: { processes: number[] } }>)[node]?.pool.processes ?? [];
      assert.equal(childPids.length, 2);
    });

    it("SIGTERM to the node stops it and every consumer process (warm shutdown)", async () => {
      worker.signal("SIGTERM");
      const exit = await worker.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
      await poll(
        async () => childPids.every((pid) => !alive(pid)),
        5_000,
        () => `consumer processes still alive: ${childPids.filter(alive).join(", ")}`,
      );
    });
    it("SIGKILL to the node: every consumer process exits promptly (none is left consuming without its node)", async () => {
      const orphanNode = `multiproc-orphan-${broker}-${process.pid}@localhost`;
      const orphaned = await ProtoWorkerProcess.start(
        [
          "-A",
          TASKS,
          "-b",
          brokerUrl,
          "--backend",
          backend,
          "-Q",
          queue,
          "-n",
          orphanNode,
          "-c",
          "2",
          "--consumer-processes",
          "2",
          "-l",
          "info",
          "--without-gossip",
        ],
        {},
      );
      let pids: number[] = [];
      try {
        // `start` resolved at the node's `ready.`; its consumer processes log theirs once they consume.
        await poll(
          async () => orphaned.count(/ ready\.$/) >= 3,
          30_000,
          () => `the node and its consumer processes did not all log ready.:\n${orphaned.log}`,
        );
        const stats = await runCelery({ brokerUrl, resultBackend: backend }, ["inspect", "stats", "-d", orphanNode, "--json", "-t", "5"]);
        assert.equal(stats.code, 0, stats.stderr);
        pids = (JSON.parse(stats.stdout) as Record<string, { pool: { processes: number[] } }>)[orphanNode]?.pool.processes ?? [];
        assert.equal(pids.length, 2, stats.stdout);
        orphaned.signal("SIGKILL");
        // Not `exited`: the children share the node's stdout, which closes only once they are gone too.
        await poll(
          async () => !alive(orphaned.pid),
          5_000,
          () => "the node survived SIGKILL",
        );
        await poll(
          async () => pids.every((pid) => !alive(pid)),
          5_000,
          () => `consumer processes still alive after their node was killed: ${pids.filter(alive).join(", ")}`,
        );
      } finally {
        for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
        await orphaned.stop(5_000);
      }
    });
  });
}
