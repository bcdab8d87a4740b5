// The CLI as a user runs it (the built binary): `proto help <command>`; errors name the flag the user typed
// (`--loglevel (-l)`, `--timeout`), not the SDK option behind it (`logLevel`, `timeoutMs`); misspelled task options
// in a task module are refused; an uncaught CeleryProtoError prints under its own name.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { before, describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/proto.js");
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";

function proto(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proto CLI: help and the names in its messages", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proto-flags-"));
  before(() => {
    // dist/ when missing or older than the sources (scripts/setup/build.sh, as npm test runs it)
    const build = spawnSync("bash", [path.join(ROOT, "scripts/setup/build.sh")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(build.status, 0, `${build.stdout}${build.stderr}`);
  });

  it("proto help <command> shows the command's help; proto help lists the commands", () => {
    const enqueue = proto(["help", "enqueue"]);
    assert.equal(enqueue.status, 0, enqueue.stderr);
    assert.match(enqueue.stdout, /USAGE\n {2}\$ proto enqueue TASK/);
    assert.match(enqueue.stdout, /--countdown=<value>/);
    assert.equal(enqueue.stdout, proto(["enqueue", "--help"]).stdout);
    const all = proto(["help"]);
    assert.equal(all.status, 0, all.stderr);
    for (const command of ["enqueue", "worker", "beat", "inspect", "help"]) assert.match(all.stdout, new RegExp(`^ {2}${command} `, "m"));
    assert.notEqual(proto(["help", "no-such-command"]).status, 0);
  });

  it("proto worker: bad flags are named as typed", () => {
    const cases: Array<[string[], string]> = [
      [["-l", "bogus"], 'InvalidOption: --loglevel (-l): unknown log level "bogus"; use DEBUG, INFO, WARNING, ERROR or CRITICAL'],
      [["-c", "0"], "InvalidOption: --concurrency (-c): must be an integer >= 1, got 0"],
      [["-Q", ","], "InvalidOption: --queues (-Q): must name at least one queue"],
      [["-n", ""], "InvalidOption: --hostname (-n): must be a non-empty node name such as name@host"],
      [["--prefetch-multiplier=-1"], "InvalidOption: --prefetch-multiplier: must be an integer >= 0 (0 = no prefetch limit), got -1"],
    ];
    for (const [flags, message] of cases) {
      const r = proto(["worker", "-A", TASKS, "--broker", "memory://", ...flags]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.equal(r.stderr.trim(), message);
    }
    const missing = proto(["worker", "-A", "no-such-tasks.ts", "--broker", "memory://"]);
    assert.match(missing.stderr, /^InvalidOption: --app \(-A\): no module at /);
  });

  it("proto worker: a misspelled task option in the -A module is refused, naming the option meant", () => {
    writeFileSync(path.join(dir, "tasks.mjs"), 'export const tasks = { "m.late": { handler: () => 1, options: { acksLte: true } } };');
    const r = proto(["worker", "-A", path.join(dir, "tasks.mjs"), "--broker", "memory://"]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(r.stderr.trim(), 'InvalidOption: acksLte: not a task option of "m.late"; did you mean acksLate?');
  });

  it("proto enqueue --wait and proto result --wait: a timeout names --timeout in seconds", () => {
    const enqueue = proto(["enqueue", "t.nobody", "--broker", "memory://", "--backend", "rpc://", "--wait", "--timeout", "0.3"]);
    assert.equal(enqueue.status, 1, enqueue.stdout + enqueue.stderr);
    assert.match(enqueue.stderr, /^Timeout: the result of task [0-9a-f-]{36} was not ready within 0\.3 s \(--timeout\)$/m);
    const result = proto(["result", "some-id", "--broker", "memory://", "--backend", "rpc://", "--wait", "--timeout", "0.2"]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.equal(result.stderr.trim(), "Timeout: the result of task some-id was not ready within 0.2 s (--timeout)");
    assert.equal(proto(["enqueue", "t.x", "--task-id", "", "--broker", "memory://"]).stderr.trim(), "InvalidOption: --task-id: must not be empty");
  });

  it("proto beat: a lease below the minimum names --lock-lease in seconds", () => {
    writeFileSync(path.join(dir, "schedule.json"), JSON.stringify({ entries: { a: { task: "t.a", schedule: { every: 10 } } } }));
    const r = proto([
      "beat",
      path.join(dir, "schedule.json"),
      "--broker",
      "memory://",
      "-s",
      path.join(dir, "state.json"),
      "--lock",
      "redis://127.0.0.1:1/0",
      "--lock-lease",
      "0.1",
    ]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(r.stderr.trim(), "InvalidOption: --lock-lease: must be at least 0.3 seconds, got 0.1");
  });

  it("a failure's logged traceback from the built package starts at the task, not in dist/ chunks", () => {
    writeFileSync(
      path.join(dir, "traceback.mjs"),
      [
        // the package's own entries, from a module outside it (as a user's)
        `import { MemoryTransport, createClient } from ${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/sdk/index.js")).href)};`,
        `import { createCeleryLogger, createWorker } from ${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/worker/index.js")).href)};`,
        "const transport = new MemoryTransport();",
        "let log = '';",
        "const worker = createWorker({ broker: transport, backend: null, concurrency: 1, mingle: false, heartbeat: false, logger: createCeleryLogger({ level: 'ERROR', write: (t) => (log += t) }) });",
        "function failing() { throw new TypeError('from the task'); }",
        "worker.registry.register('t.fail', () => failing());",
        "await worker.start();",
        "const client = await createClient({ broker: transport, backend: null });",
        "await client.enqueue('t.fail', []);",
        "while (!log.includes('TypeError: from the task')) await new Promise((r) => setTimeout(r, 20));",
        "await worker.stop();",
        "process.stdout.write(log);",
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, [path.join(dir, "traceback.mjs")], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const traceback = r.stdout.slice(r.stdout.indexOf("Traceback (most recent call last):"));
    const frames = traceback.split("\n").filter((l) => l.startsWith("  File "));
    assert.ok(frames.length >= 1 && frames.every((f) => f.includes("traceback.mjs")), traceback);
    assert.match(frames.at(-1) ?? "", /, in failing$/);
    assert.match(traceback, /\nTypeError: from the task\n/);
  });

  it("an uncaught CeleryProtoError from the built package prints as CeleryProtoError", () => {
    const script = 'import { CeleryProtoError } from "celery-proto"; throw new CeleryProtoError("InvalidOption", "uncaught");';
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^CeleryProtoError: uncaught$/m);
    assert.doesNotMatch(r.stderr, /_CeleryProtoError/);
  });
});
