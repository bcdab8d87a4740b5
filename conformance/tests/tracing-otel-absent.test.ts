// With the OpenTelemetry packages absent, nothing changes and nothing extra loads: the built package runs in processes
// where every @opentelemetry/* is unresolvable for import and require (harness/hide-opentelemetry.mjs), as in an
// application that never installed @opentelemetry/api (the repository's node_modules has it, so
// tracing-module-loads.test.ts can only show it is not loaded). With tracing off, a client → worker → result round trip
// on Redis and a `proto worker` run as usual and nothing even tries to resolve the packages; with tracing on,
// createClient, the worker's start and `proto worker --otel` fail with the error naming @opentelemetry/api. Redis db 1
// (shared with the other tracing and worker-event files; flushed first).
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HIDE = path.join(ROOT, "conformance/harness/hide-opentelemetry.mjs");
const BROKER = redisDbUrl(1);
const MODULE = "conformance/ts-tasks/setup-worker-tasks.ts";
const MISSING = "tracing: needs the package @opentelemetry/api (an optional peer dependency): npm install @opentelemetry/api";
const run = promisify(execFile);

describe("@opentelemetry/* not installed (unresolvable)", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "otel-absent-"));
  let attemptsLog = 0;
  /** A fresh log of the hook's refusals, and the environment that hides OpenTelemetry from a child process. */
  const hidden = (): { log: string; env: Record<string, string> } => {
    const log = path.join(dir, `attempts-${++attemptsLog}.log`);
    return { log, env: { HIDE_OTEL_LOG: log, NODE_OPTIONS: `--import ${HIDE}`, CELERY_PROTO_CONFIG: "" } };
  };
  const attempts = (log: string): string[] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter((l) => l !== "")
      : [];

  async function runCase(mode: string, ...args: string[]): Promise<Record<string, unknown>> {
    const { env } = hidden();
    const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/otel-absent-run.ts"), mode, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
  }

  before(async () => {
    ensureBuilt();
    const redis = new Redis(BROKER);
    await redis.flushdb();
    redis.disconnect();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("tracing off: client enqueue → worker → result on Redis works, and nothing tries to resolve @opentelemetry/*", async () => {
    const out = await runCase("round-trip", BROKER, `t-otel-absent-${process.pid}`);
    assert.deepEqual(out, {
      result: 5,
      attempts: [],
      loaded: false,
      // The hook itself: both module systems are refused the package, so the check above is not vacuous.
      hidden: { import: "ERR_MODULE_NOT_FOUND", require: "MODULE_NOT_FOUND" },
    });
  });

  it("tracing on: createClient({ tracing: true }) and a worker's start with tracing: true reject naming @opentelemetry/api", async () => {
    assert.deepEqual(await runCase("client"), { error: { code: "InvalidOption", message: MISSING } });
    assert.deepEqual(await runCase("worker"), { error: { code: "InvalidOption", message: MISSING } });
  });

  it("proto worker without --otel runs a task as usual, resolving nothing of @opentelemetry/*", async () => {
    const { log, env } = hidden();
    const queue = `t-otel-absent-cli-${process.pid}`;
    const worker = await ProtoWorkerProcess.startBuilt(
      ["-A", MODULE, "-b", BROKER, "--backend", BROKER, "-Q", queue, "-l", "info", "--without-mingle", "--without-heartbeat"],
      env,
    );
    try {
      const client = await createClient({ broker: BROKER, backend: BROKER, defaultQueue: queue });
      try {
        assert.equal(await (await client.enqueue("setuphook.add", [40, 2])).get({ timeoutMs: 30_000 }), 42);
      } finally {
        await client.close();
      }
    } finally {
      await worker.stop();
    }
    assert.equal((await worker.exited).code, 0, worker.log);
    assert.deepEqual(attempts(log), []);
  });

  it("proto worker --otel exits 1 naming --otel and @opentelemetry/api", () => {
    const { log, env } = hidden();
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin/proto.js"), "worker", "-A", MODULE, "--otel", "-b", "memory://", "-l", "info"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`Unrecoverable error: InvalidOption: --otel: ${MISSING.slice("tracing: ".length)}`), r.stderr);
    assert.match(attempts(log).join("\n"), /^@opentelemetry\/api <- \S+\/dist\//, "the refusal came from the hook, as an uninstalled package's would");
  });
});
