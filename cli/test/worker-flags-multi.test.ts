// The pieces behind proto worker's Celery flags and proto multi: --autoscale MAX,MIN; node_format for --pidfile and
// --logfile; Celery's Pidfile (a live one refuses, a stale one is replaced, released at exit); multi's node names,
// per-node options and stop signals.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { parseMultiArgv } from "../src/multi/parse-multi-argv.js";
import { acquirePidfile } from "../src/worker-flags/acquire-pidfile.js";
import { formatNodePath } from "../src/worker-flags/format-node-path.js";
import { parseAutoscale } from "../src/worker-flags/parse-autoscale.js";

describe("--autoscale", () => {
  it("reads MAX,MIN as Celery does (MIN defaults to 0)", () => {
    assert.deepEqual(parseAutoscale("10,3"), { max: 10, min: 3 });
    assert.deepEqual(parseAutoscale("4"), { max: 4, min: 0 });
    for (const text of ["", "3,5", "a,1", "0", "2,1,0", "-1,0"]) assert.throws(() => parseAutoscale(text), /^CeleryProtoError: --autoscale: /);
  });
});

describe("node_format", () => {
  it("expands %n (the node's name), %h, %d, %p, %i, %I and %%", () => {
    assert.equal(formatNodePath("%n.pid", "w1@host.example.com"), "w1.pid");
    assert.equal(formatNodePath("/var/log/%n%I.log", "w1@host.example.com"), "/var/log/w1.log");
    assert.equal(formatNodePath("%h-%d-%p-%i-%%", "w1@host.example.com"), "host.example.com-example.com-w1@host.example.com-0-%");
  });
});

describe("--pidfile", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proto-pidfile-"));

  it("writes the pid, refuses while it names a live process, and release() removes it", () => {
    const file = path.join(dir, "a.pid");
    const held = acquirePidfile(file);
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    // Our own pid counts as ours (Celery's remove_if_stale); another live pid refuses.
    writeFileSync(file, `${process.ppid}\n`);
    assert.throws(() => acquirePidfile(file), /--pidfile: Pidfile \(.*a\.pid\) already exists\.\nSeems we're already running\? \(pid: \d+\)/);
    writeFileSync(file, `${process.pid}\n`);
    held.release();
    assert.equal(existsSync(file), false);
  });

  it("replaces a stale pidfile (a process that is gone, or no pid at all)", async () => {
    const file = path.join(dir, "b.pid");
    const child = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => child.once("exit", resolve));
    writeFileSync(file, `${child.pid}\n`);
    acquirePidfile(file).release();
    writeFileSync(file, "garbage");
    const held = acquirePidfile(file);
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    held.release();
  });
});

describe("proto multi arguments", () => {
  it("names become name@host, a count becomes celery1..N; each node gets -n, --pidfile and --logfile", () => {
    const m = parseMultiArgv(["start", "w1", "w2@other", "-A", "tasks.ts", "-c", "2"], "myhost");
    assert.equal(m.command, "start");
    assert.deepEqual(
      m.nodes.map((n) => [n.name, n.pidfile, n.logfile]),
      [
        ["w1@myhost", "w1.pid", "w1%I.log"],
        ["w2@other", "w2.pid", "w2%I.log"],
      ],
    );
    assert.deepEqual(m.nodes[0]?.argv, ["-n", "w1@myhost", "--pidfile=w1.pid", "--logfile=w1%I.log", "-A", "tasks.ts", "-c", "2"]);
    assert.deepEqual(
      parseMultiArgv(["show", "3"], "h").nodes.map((n) => n.name),
      ["celery1@h", "celery2@h", "celery3@h"],
    );
  });

  it("--pidfile/--logfile patterns are per node; stop takes a -SIG argument; -q and --nosplash are multi's", () => {
    const m = parseMultiArgv(["stopwait", "w1", "--pidfile=/run/%n.pid", "-f", "/log/%n-%h.log", "-INT", "-q"], "h");
    assert.equal(m.nodes[0]?.pidfile, "/run/w1.pid");
    assert.equal(m.nodes[0]?.logfile, "/log/w1-h.log");
    assert.equal(m.signal, "SIGINT");
    assert.equal(m.quiet, true);
    assert.equal(parseMultiArgv(["stop", "w1", "-9"], "h").signal, "SIGKILL");
    assert.equal(parseMultiArgv(["stop", "w1", "-B", "-E"], "h").signal, "SIGTERM");
    assert.throws(() => parseMultiArgv(["launch", "w1"]), /multi: the command must be one of start, stop, stopwait, restart, kill, show/);
    assert.throws(() => parseMultiArgv(["start", "-A", "x"]), /multi start: name the nodes/);
    assert.throws(() => parseMultiArgv(["start", "w1", "w1"]), /named twice/);
  });
});
