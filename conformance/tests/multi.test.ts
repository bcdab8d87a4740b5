// `proto multi` as `celery multi`: `start w1 w2` starts two detached `proto worker` nodes that Python's
// `celery inspect ping` sees, each with its pidfile (%n.pid) and logfile (%n%I.log); `stopwait` stops them gracefully
// (warm shutdown, pidfiles removed, processes gone); `stop` of nodes that are down says DOWN; `show` prints the
// commands; `restart` is stopwait + start. On Redis and RabbitMQ.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { ROOT, runCelery, type PythonEnv } from "./worker-control-python.js";

const DB = 4;
const HOST = os.hostname();

/** Runs `proto multi <args>` from source (as run-proto-cli.ts runs any command) to completion. */
function multi(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), "multi", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`proto multi (${broker})`, { timeout: 120_000 }, () => {
    const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
    const env: PythonEnv = { brokerUrl, resultBackend: redisDbUrl(DB) };
    const dir = mkdtempSync(path.join(os.tmpdir(), `proto-multi-${broker}-`));
    const names = ["a", "b"].map((n) => `t-multi-${process.pid}-${broker}-${n}`);
    const nodes = names.map((n) => `${n}@${HOST}`);
    const files = ["--pidfile", path.join(dir, "%n.pid"), "--logfile", path.join(dir, "%n%I.log")];
    const workerFlags = ["-A", "conformance/ts-tasks/conformance-tasks.ts", "-b", brokerUrl, "-Q", `t-multi-${process.pid}-${broker}`, "-l", "info", ...files];
    const pidOf = (name: string): number => Number(readFileSync(path.join(dir, `${name}.pid`), "utf8"));
    const ping = async (): Promise<string> => (await runCelery(env, ["inspect", "ping", "-d", nodes.join(","), "--json", "-t", "3"])).stdout;
    const pingBoth = async (): Promise<void> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const out = await ping();
        if (nodes.every((n) => out.includes(`"${n}": {"ok": "pong"}`))) return;
        if (Date.now() > deadline) assert.fail(`not every node answered ping: ${out}`);
      }
    };
    after(async () => {
      await multi(["kill", ...names, ...files]);
    });

    it("show prints one proto worker command per node", async () => {
      const r = await multi(["show", ...names, ...workerFlags]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? "", new RegExp(` worker -n ${nodes[0]} --pidfile=${dir}/${names[0]}\\.pid --logfile=${dir}/${names[0]}%I\\.log -A `));
    });

    it("start w1 w2: both nodes answer Python's inspect ping; stopwait stops them gracefully", async () => {
      const started = await multi(["start", ...names, ...workerFlags]);
      assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
      assert.match(started.stdout, /^celery multi v\S+ .*\n> Starting nodes\.\.\.\n/);
      for (const node of nodes) assert.match(started.stdout, new RegExp(`\\t> ${node}: OK\\n`));
      const pids = names.map(pidOf);
      assert.ok(pids.every(alive));
      await pingBoth();

      const stopped = await multi(["stopwait", ...names, ...files]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /> Stopping nodes\.\.\.\n/);
      for (const [i, node] of nodes.entries()) {
        assert.match(stopped.stdout, new RegExp(`\\t> ${node}: TERM -> ${pids[i]}\\n`));
        assert.match(stopped.stdout, new RegExp(`\\t> ${node}: OK\\n`));
      }
      for (const [i, name] of names.entries()) {
        assert.equal(alive(pids[i] ?? 0), false);
        assert.equal(existsSync(path.join(dir, `${name}.pid`)), false, "the pidfile is removed at a clean exit");
        const log = readFileSync(path.join(dir, `${name}.log`), "utf8");
        assert.match(log, new RegExp(`${nodes[i]} ready\\.`));
        assert.match(log, /worker: Warm shutdown \(MainProcess\)/);
        assert.doesNotMatch(log, /Unrecoverable error|CRITICAL/);
      }

      const again = await multi(["stop", ...names, ...files]);
      assert.equal(again.code, 0);
      for (const node of nodes) assert.match(again.stdout, new RegExp(`> ${node}: DOWN\\n`));
    });

    it("restart = stopwait + start (new pids); kill sends SIGKILL", async () => {
      assert.equal((await multi(["start", ...names, ...workerFlags])).code, 0);
      const before = names.map(pidOf);
      const restarted = await multi(["restart", ...names, ...workerFlags]);
      assert.equal(restarted.code, 0, `${restarted.stdout}\n${restarted.stderr}`);
      for (const node of nodes) assert.match(restarted.stdout, new RegExp(`> Restarting node ${node}: OK\\n`));
      const afterRestart = names.map(pidOf);
      assert.ok(before.every((pid) => !alive(pid)));
      assert.ok(afterRestart.every((pid, i) => alive(pid) && pid !== before[i]));
      await pingBoth();
      const killed = await multi(["kill", ...names, ...files]);
      for (const [i, node] of nodes.entries()) assert.match(killed.stdout, new RegExp(`Sending SIGKILL to node ${node} \\(${afterRestart[i]}\\)`));
      const deadline = Date.now() + 5000;
      while (afterRestart.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(!afterRestart.some(alive));
    });
  });
}
