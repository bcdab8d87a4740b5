// The pidbox and every built-in command over the in-memory transport: request routing, reply shapes and texts as
// Celery 5.7's control.py produces them, Python-style errors, state changes, statedb and mingle between two nodes.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { flattenReplies } from "../../sdk/src/control/flatten-replies.js";
import { inspect } from "../../sdk/src/control/inspect.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { WorkerState } from "../src/app/worker-state.js";
import { startPidbox, type Pidbox } from "../src/control/start-pidbox.js";
import { createEventDispatcher } from "../src/events/create-event-dispatcher.js";
import { StubControl, fakeRequest, holdRequest, recordingLog, registerConformanceTasks } from "./control-fixtures.js";

const NODE = "t-wctl-unit@host";

describe("pidbox over the memory transport", () => {
  const transport = new MemoryTransport();
  const state = new WorkerState();
  const registry = new TaskRegistry();
  const control = new StubControl(NODE, ["celery", "priority"]);
  const log = recordingLog();
  const dispatcher = createEventDispatcher({ transport, hostname: NODE, clock: state.clock, log });
  const revokedCalls: string[][] = [];
  let pidbox: Pidbox;
  const ask = async (method: string, args: Record<string, unknown> = {}, destination: string[] = [NODE]) =>
    flattenReplies(await inspect(transport, method, args, { destination, timeoutMs: 200 }))[NODE];

  const active = fakeRequest({ id: "a-1", task: "conformance.sleep", args: [1.5], hostname: NODE });
  const reserved = fakeRequest({ id: "r-1", task: "conformance.add", args: [2, 2], hostname: NODE });
  const scheduled = fakeRequest({ id: "s-1", task: "conformance.echo", args: ["x"], hostname: NODE, eta: new Date("2030-01-02T03:04:05.678Z") });
  let activeAborts: string[];

  before(async () => {
    registerConformanceTasks(registry);
    activeAborts = holdRequest(state, "active", active);
    holdRequest(state, "reserved", reserved);
    holdRequest(state, "scheduled", scheduled);
    state.countProcessed("conformance.add");
    pidbox = await startPidbox({
      transport,
      hostname: NODE,
      state,
      control,
      registry,
      dispatcher,
      mingle: false,
      log,
      onRevoked: (ids) => void revokedCalls.push([...ids]),
    });
  });
  after(async () => {
    await pidbox.stop();
    await dispatcher.close();
  });

  it("ping, clock", async () => {
    assert.deepEqual(await ask("ping"), { ok: "pong" });
    const { clock } = (await ask("clock")) as { clock: number };
    assert.equal(clock, state.clock.current);
  });

  it("routes by destination, glob and pcre patterns", async () => {
    assert.deepEqual(await inspect(transport, "ping", {}, { destination: ["other@host"], timeoutMs: 100 }), []);
    assert.equal((await inspect(transport, "ping", {}, { pattern: "t-wctl-*@h?st", matcher: "glob", timeoutMs: 100 })).length, 1);
    assert.equal((await inspect(transport, "ping", {}, { pattern: "t-wctl-[!u]*", matcher: "glob", timeoutMs: 100 })).length, 0);
    assert.equal((await inspect(transport, "ping", {}, { pattern: "t-wctl-(?P<kind>unit)", matcher: "pcre", timeoutMs: 100 })).length, 1);
    assert.equal((await inspect(transport, "ping", {}, { pattern: "host", matcher: "pcre", timeoutMs: 100 })).length, 0); // re.match anchors
  });

  it("active, reserved, scheduled, query_task show request_info", async () => {
    const [info] = (await ask("active")) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(info!), ["id", "name", "args", "kwargs", "type", "hostname", "time_start", "acknowledged", "delivery_info", "worker_pid"]);
    assert.deepEqual(info, {
      id: "a-1",
      name: "conformance.sleep",
      args: [1.5],
      kwargs: {},
      type: "conformance.sleep",
      hostname: NODE,
      time_start: 1_700_000_000.5,
      acknowledged: true,
      delivery_info: { exchange: "", routing_key: "celery", priority: 0, redelivered: false },
      worker_pid: process.pid,
    });
    const [safe] = (await ask("active", { safe: true })) as Record<string, unknown>[];
    assert.equal(safe!["args"], "(1.5,)");
    assert.deepEqual(
      ((await ask("reserved")) as Record<string, unknown>[]).map((r) => r["id"]),
      ["r-1"],
    );
    const [entry] = (await ask("scheduled")) as Record<string, unknown>[];
    assert.equal(entry!["eta"], "2030-01-02T03:04:05.678000+00:00");
    assert.equal(entry!["priority"], 6);
    assert.equal((entry!["request"] as Record<string, unknown>)["worker_pid"], null);
    const queried = (await ask("query_task", { ids: ["a-1", "s-1", "nope"] })) as Record<string, [string, Record<string, unknown>]>;
    assert.deepEqual(Object.keys(queried), ["a-1", "s-1"]);
    assert.equal(queried["a-1"]![0], "active");
    assert.equal(queried["s-1"]![0], "scheduled");
    assert.deepEqual(Object.keys((await ask("query_task", { ids: "r-1" })) as object), ["r-1"]);
  });

  it("registered lists sorted names with [rate_limit=..]", async () => {
    assert.deepEqual(await ask("registered"), ["conformance.add", "conformance.echo [rate_limit=10/m]", "conformance.sleep"]);
    assert.deepEqual(await ask("dump_tasks", { taskinfoitems: ["max_retries"] }), [
      "conformance.add [max_retries=3]",
      "conformance.echo [max_retries=3]",
      "conformance.sleep [max_retries=3]",
    ]);
  });

  it("stats has Celery's keys, clock as a string", async () => {
    const stats = (await ask("stats")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(stats), ["total", "pid", "clock", "uptime", "pool", "broker", "prefetch_count", "rusage"]);
    assert.deepEqual(stats["total"], { "conformance.add": 1 });
    assert.equal(typeof stats["clock"], "string");
    assert.deepEqual(Object.keys(stats["pool"] as object), [
      "implementation",
      "max-concurrency",
      "processes",
      "max-tasks-per-child",
      "put-guarded-by-semaphore",
      "timeouts",
    ]);
    assert.equal((stats["rusage"] as Record<string, number>)["maxrss"]! > 0, true);
  });

  it("revoke: set repr, onRevoked for idle ids, terminate aborts", async () => {
    assert.deepEqual(await ask("revoke", { task_id: "r-9" }), { ok: "tasks {'r-9'} flagged as revoked" });
    assert.deepEqual(await ask("revoke", { task_id: ["x-1", "x-2", "x-1"], terminate: false, signal: "SIGTERM" }), {
      ok: "tasks {'x-1', 'x-2'} flagged as revoked",
    });
    assert.deepEqual(revokedCalls, [["r-9"], ["x-1", "x-2"]]);
    assert.deepEqual(await ask("revoke", { task_id: ["a-1", "unknown"], terminate: true, signal: "KILL" }), { ok: "terminate: a-1" });
    assert.deepEqual(activeAborts, ["terminated"]);
    assert.deepEqual(revokedCalls.at(-1), ["unknown"]);
    assert.deepEqual(await ask("terminate", { signal: "TERM", task_id: ["gone"] }), { ok: "terminate: tasks unknown" });
    assert.deepEqual(await ask("revoke", { task_id: "y", terminate: true, signal: "term" }), { error: "TypeError('signal name must be uppercase string.')" });
    assert.deepEqual(await ask("revoke", { task_id: "y", terminate: true, signal: "NOPE" }), {
      error: "AttributeError(\"module 'signal' has no attribute 'SIGNOPE'\")",
    });
    assert.deepEqual(await ask("revoke", { task_id: [] }), { ok: "tasks set() flagged as revoked" });
    const revoked = (await ask("revoked")) as string[];
    for (const id of ["r-9", "x-1", "x-2", "a-1", "unknown", "y"]) assert.ok(revoked.includes(id), id);
    assert.ok(state.revoked.has("x-2"));
  });

  it("revoke_by_stamped_headers", async () => {
    assert.deepEqual(await ask("revoke_by_stamped_headers", { headers: ["mtask_id=m1"] }), {
      ok: "headers {'mtask_id': 'm1'} flagged as revoked, but not terminated",
    });
    const stamped = fakeRequest({ id: "st-1", task: "conformance.add", hostname: NODE, stamps: { mtask_id: ["m2", "m3"] } });
    const aborts = holdRequest(state, "active", stamped);
    assert.deepEqual(await ask("revoke_by_stamped_headers", { headers: { mtask_id: ["m3"] }, terminate: true }), {
      ok: "headers defaultdict(<class 'set'>, {'mtask_id': {'m3'}}) revoked",
    });
    assert.deepEqual(aborts, ["terminated"]);
    assert.deepEqual(await ask("revoke_by_stamped_headers", { headers: { other: "z" }, terminate: true }), {
      ok: "headers {'other': 'z'} were not terminated",
    });
    state.active.delete("st-1");
  });

  it("rate_limit and time_limit change the registry, with Celery's texts and errors", async () => {
    assert.deepEqual(await ask("rate_limit", { task_name: "conformance.add", rate_limit: "10/s" }), { ok: "new rate limit set successfully" });
    assert.equal(registry.get("conformance.add")!.options.rateLimit, "10/s");
    assert.deepEqual(await ask("rate_limit", { task_name: "conformance.add", rate_limit: "" }), { ok: "rate limit disabled successfully" });
    assert.equal(registry.get("conformance.add")!.options.rateLimit, null);
    assert.deepEqual(await ask("rate_limit", { task_name: "nope", rate_limit: "1/m" }), { error: "unknown task" });
    assert.deepEqual(await ask("rate_limit", { task_name: "conformance.add", rate_limit: "abc/s" }), {
      error: "Invalid rate limit string: ValueError(\"could not convert string to float: 'abc'\")",
    });
    assert.deepEqual(await ask("rate_limit", { task_name: "conformance.add", rate_limit: "1/d" }), { error: "KeyError('d')" });
    assert.deepEqual(await ask("rate_limit", { task_name: "conformance.add" }), {
      error: "TypeError(\"rate_limit() missing 1 required positional argument: 'rate_limit'\")",
    });
    assert.deepEqual(await ask("time_limit", { task_name: "conformance.sleep", soft: 10, hard: 20 }), { ok: "time limits set successfully" });
    assert.deepEqual([registry.get("conformance.sleep")!.options.softTimeLimit, registry.get("conformance.sleep")!.options.timeLimit], [10, 20]);
    assert.deepEqual(await ask("time_limit", { task_name: "nope" }), { error: "unknown task" });
  });

  it("unknown commands and bad arguments reply Python errors", async () => {
    assert.deepEqual(await ask("no_such_command"), { error: "KeyError('no_such_command')" });
    assert.deepEqual(await ask("enable_events", { x: 1 }), { error: "TypeError(\"enable_events() got an unexpected keyword argument 'x'\")" });
    assert.deepEqual(await ask("pool_restart"), { error: "ValueError('Pool restarts not enabled')" });
    assert.deepEqual(await ask("autoscale", { max: 2 }), { error: "ValueError('Autoscale not enabled')" });
  });

  it("events, heartbeat, queues, pool", async () => {
    assert.deepEqual(await ask("enable_events"), { ok: "task events enabled" });
    assert.equal(dispatcher.enabled, true);
    assert.deepEqual(await ask("enable_events"), { ok: "task events already enabled" });
    assert.deepEqual(await ask("disable_events"), { ok: "task events disabled" });
    assert.deepEqual(await ask("disable_events"), { ok: "task events already disabled" });
    assert.equal(await ask("heartbeat"), null);
    assert.deepEqual(await ask("add_consumer", { queue: "extra", exchange: null, exchange_type: null, routing_key: null }), { ok: "add consumer extra" });
    assert.deepEqual(await ask("cancel_consumer", { queue: "priority" }), { ok: "no longer consuming from priority" });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(control.calls.slice(-2), ["addConsumer extra", "cancelConsumer priority"]);
    const queues = (await ask("active_queues")) as Record<string, unknown>[];
    assert.deepEqual(
      queues.map((q) => q["name"]),
      ["celery", "extra"],
    );
    assert.deepEqual(Object.keys(queues[0]!), [
      "name",
      "exchange",
      "routing_key",
      "queue_arguments",
      "binding_arguments",
      "consumer_arguments",
      "durable",
      "exclusive",
      "auto_delete",
      "no_ack",
      "alias",
      "bindings",
      "no_declare",
      "expires",
      "message_ttl",
      "max_length",
      "max_length_bytes",
      "max_priority",
    ]);
    assert.deepEqual(await ask("pool_grow", { n: 2 }), { ok: "pool will grow" });
    assert.deepEqual(await ask("pool_shrink"), { ok: "pool will shrink" });
    assert.equal(control.concurrency(), 5);
    assert.equal(((await ask("report")) as { ok: string }).ok.startsWith("software -> celery-proto:"), true);
    assert.equal(((await ask("conf")) as Record<string, unknown>)["broker_transport"], "memory");
  });

  it("hello merges both revoked forms and answers with a list; null for itself", async () => {
    const reply = (await ask("hello", { from_node: "py@x", revoked: ["h-1"] })) as { revoked: string[]; clock: number };
    assert.ok(reply.revoked.includes("h-1"));
    assert.equal(typeof reply.clock, "number");
    await ask("hello", { from_node: "py53@x", revoked: { "h-2": [123.5, "h-2"] } });
    assert.ok(state.revoked.has("h-2"));
    assert.equal(await ask("hello", { from_node: NODE, revoked: [] }), null);
  });

  it("shutdown calls WorkerControl.shutdown and sends no reply", async () => {
    assert.deepEqual(await inspect(transport, "shutdown", {}, { destination: [NODE], timeoutMs: 150 }), []);
    assert.equal(control.calls.at(-1), "shutdown");
    assert.deepEqual(
      log.lines.filter((l) => /Cannot decode|failed|Control command error/.test(l)),
      [],
    );
  });
});

describe("statedb and mingle", () => {
  it("saves revoked ids on stop, loads them at start; mingle merges a neighbour's ids and clock", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wctl-"));
    try {
      const transport = new MemoryTransport();
      const statedb = path.join(dir, "worker.state");
      const a = new WorkerState();
      a.revoked.add("persisted-1");
      for (let i = 0; i < 40; i++) a.clock.forward();
      const registry = new TaskRegistry();
      const first = await startPidbox({
        transport,
        hostname: "a@h",
        state: a,
        control: new StubControl("a@h"),
        registry,
        mingle: false,
        statedbPath: statedb,
        log: recordingLog(),
      });
      const saved = JSON.parse(await readFile(statedb, "utf8").catch(() => "null")) as unknown;
      assert.equal(saved, null);
      await first.stop();
      const file = JSON.parse(await readFile(statedb, "utf8")) as { format: string; revoked: string[]; clock: number };
      assert.deepEqual([file.format, file.revoked], ["celery-proto/statedb", ["persisted-1"]]);

      // A restarted node reads the file; a second node learns its ids and clock through mingle.
      const restarted = new WorkerState();
      const again = await startPidbox({
        transport,
        hostname: "a@h",
        state: restarted,
        control: new StubControl("a@h"),
        registry,
        mingle: false,
        statedbPath: statedb,
        log: recordingLog(),
      });
      assert.ok(restarted.revoked.has("persisted-1"));
      assert.ok(restarted.clock.current > 40);
      const b = new WorkerState();
      b.revoked.add("from-b");
      const second = await startPidbox({
        transport,
        hostname: "b@h",
        state: b,
        control: new StubControl("b@h"),
        registry,
        mingleTimeoutMs: 200,
        log: recordingLog(),
      });
      assert.deepEqual(second.mingle?.nodes, ["a@h"]);
      assert.ok(b.revoked.has("persisted-1"));
      assert.ok(restarted.revoked.has("from-b"), "the hello handler merged the sender's ids");
      assert.ok(b.clock.current > restarted.clock.current - 2);
      await second.stop();
      await again.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
