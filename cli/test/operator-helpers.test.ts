// The pieces behind `proto inspect|control|status|events`: Celery's argument compilation, reply pretty-printing and
// the live events view (the commands themselves run against real workers in conformance/tests/operator-cli.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PyFloat } from "../../sdk/src/codec/json/python-values.js";
import { EventState } from "../../sdk/src/events/event-state.js";
import type { ReceivedEvent } from "../../sdk/src/events/event-receiver-options.js";
import { pythonUtcDatetime } from "../src/format/python-str.js";
import { renderLiveView } from "../src/events/render-live-view.js";
import { compileArguments } from "../src/remote/compile-arguments.js";
import { connectBroker } from "../src/remote/connect-broker.js";
import { formatNodeReply, nodesOnline, prettyReply } from "../src/remote/format-reply.js";

describe("compileArguments (celery's _compile_arguments)", () => {
  it("accepts - or _ and converts typed positional arguments; the rest go to the variadic one", () => {
    assert.deepEqual(compileArguments("inspect", "active-queues", []), { method: "active_queues", arguments: {} });
    assert.deepEqual(compileArguments("inspect", "query_task", ["a", "b"]), { method: "query_task", arguments: { ids: ["a", "b"] } });
    assert.deepEqual(compileArguments("control", "revoke", ["x"]), { method: "revoke", arguments: { task_id: ["x"] } });
    assert.deepEqual(compileArguments("control", "pool-grow", ["3"]), { method: "pool_grow", arguments: { n: 3 } });
    assert.deepEqual(compileArguments("control", "terminate", ["KILL", "a", "b"]), { method: "terminate", arguments: { signal: "KILL", task_id: ["a", "b"] } });
    assert.deepEqual(compileArguments("inspect", "conf", ["yes"]), { method: "conf", arguments: { with_defaults: true } });
    const time = compileArguments("control", "time-limit", ["tasks.add", "10", "20.5"]);
    assert.ok(time.arguments["soft"] instanceof PyFloat, "float arguments are sent as Python floats (10.0)");
    assert.deepEqual([(time.arguments["soft"] as PyFloat).value, (time.arguments["hard"] as PyFloat).value], [10, 20.5]);
  });

  it("refuses unknown commands, commands of the other kind, extra and malformed arguments", () => {
    assert.throws(
      () => compileArguments("inspect", "revoke", []),
      /inspect command "revoke" not recognized\. Available inspect commands: active, active-queues/,
    );
    assert.throws(() => compileArguments("control", "nope", []), /control command "nope" not recognized/);
    assert.throws(() => compileArguments("control", "shutdown", ["now"]), /shutdown: takes arguments/);
    assert.throws(() => compileArguments("control", "pool-grow", ["two"]), /pool-grow n: must be an integer/);
    assert.throws(() => compileArguments("control", "time-limit", ["t", "soon"]), /time-limit soft: must be a number/);
  });
});

describe("connectBroker", () => {
  it("refuses transport options that are not a JSON object, or for a non-Redis broker, naming the flag", async () => {
    await assert.rejects(connectBroker({ broker: "redis://localhost:1/0", "broker-transport-options": "{nope" }), /--broker-transport-options: not valid JSON/);
    await assert.rejects(
      connectBroker({ broker: "redis://localhost:1/0", "broker-transport-options": "[1]" }),
      /--broker-transport-options: must be a JSON object/,
    );
    await assert.rejects(connectBroker({ broker: "amqp://localhost", "broker-transport-options": "{}" }), /only a Redis broker URL/);
  });
});

describe("reply formatting (celery's CLIContext.pretty / say_chat)", () => {
  it("prints ok/error replies, lists, objects and scalars as celery does", () => {
    assert.equal(formatNodeReply({ "w@h": { ok: "pong" } }, true), "->  w@h: OK\n        pong");
    assert.equal(formatNodeReply({ "w@h": { error: "unknown task" } }, true), "->  w@h: ERROR\n        unknown task");
    assert.equal(formatNodeReply({ "w@h": { ok: "pong" } }, false), "->  w@h: OK");
    assert.equal(formatNodeReply({ "w@h": [] }, true), "->  w@h: OK\n    - empty -");
    assert.equal(formatNodeReply({ "w@h": ["a", "b [rate_limit=1/s]"] }, true), "->  w@h: OK\n    * a\n    * b [rate_limit=1/s]");
    assert.equal(formatNodeReply({ "w@h": null }, true), "->  w@h: OK\n    None");
    assert.equal(prettyReply([{ name: "q", durable: true, arguments: null }]).text, "* {'name': 'q', 'durable': True, 'arguments': None}");
    assert.equal(
      prettyReply({ b: 1, a: { d: [1, 2], c: null } }).text,
      '{\n    "a": {\n        "c": null,\n        "d": [\n            1,\n            2\n        ]\n    },\n    "b": 1\n}',
    );
    assert.deepEqual([nodesOnline(1), nodesOnline(2)], ["1 node online.", "2 nodes online."]);
  });
});

describe("events live view", () => {
  it("renders the workers with their status by heartbeat and the latest tasks", () => {
    const state = new EventState();
    const ev = (fields: Record<string, unknown>): ReceivedEvent =>
      ({ utcoffset: 0, pid: 1, clock: 1, timestamp: 100, local_received: 100, ...fields }) as unknown as ReceivedEvent;
    state.event(
      ev({ type: "worker-heartbeat", hostname: "py@h", freq: 2, active: 1, processed: 7, loadavg: [0.5, 0.25, 0.1], sw_ident: "py-celery", sw_ver: "5.7.0" }),
    );
    state.event(ev({ type: "worker-heartbeat", hostname: "ts@h", freq: 2, local_received: 90, sw_ident: "celery-proto", sw_ver: "0.1.0" }));
    state.event(ev({ type: "task-received", hostname: "py@h", uuid: "t1", name: "tasks.add", args: "(1, 2)", kwargs: "{}" }));
    state.event(ev({ type: "task-succeeded", hostname: "py@h", uuid: "t1", result: "3", runtime: 0.5, timestamp: 101 }));
    const view = renderLiveView(state, { maxTasks: 10, now: 101 });
    assert.match(view, /^celery-proto events: 1\/2 workers online, 1 tasks, 4 events$/m);
    assert.match(view, /^py@h +ONLINE +1 +7 +0\.5 0\.25 0\.1 +py-celery 5\.7\.0$/m);
    assert.match(view, /^ts@h +OFFLINE +celery-proto 0\.1\.0$/m);
    assert.match(view, /^t1 +tasks\.add +SUCCESS +py@h +00:01:41 +3 in 0\.500s$/m);
  });

  it("formats event times as Python's str(datetime) in UTC", () => {
    assert.equal(pythonUtcDatetime(1_700_000_000), "2023-11-14 22:13:20+00:00");
    assert.equal(pythonUtcDatetime(1_700_000_000.123456), "2023-11-14 22:13:20.123456+00:00");
  });
});
