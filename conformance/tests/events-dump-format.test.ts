// `proto events --dump` prints each event exactly as Celery's `celery events --dump` (celery.events.dumper.Dumper)
// does: the same events through both formatters, compared line for line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReceivedEvent } from "../../sdk/src/events/event-receiver-options.js";
import { EventDumper } from "../../cli/src/events/event-dumper.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { runPython } from "./worker-control-python.js";

const common = { hostname: "w1@host", utcoffset: 0, pid: 4242, local_received: 1_700_000_001.5 };
const EVENTS = [
  {
    ...common,
    type: "worker-online",
    timestamp: 1_700_000_000.25,
    clock: 1,
    freq: 2.5,
    active: 0,
    processed: 0,
    loadavg: [0.5, 1.25, 2.5],
    sw_ident: "py-celery",
    sw_ver: "5.7.0",
    sw_sys: "Linux",
  },
  {
    ...common,
    type: "task-received",
    timestamp: 1_700_000_000.5,
    clock: 2,
    uuid: "t1",
    name: "tasks.add",
    args: "(2, 3)",
    kwargs: "{'k': 'v'}",
    root_id: "t1",
    parent_id: null,
    retries: 0,
    eta: null,
    expires: null,
  },
  { ...common, type: "task-started", timestamp: 1_700_000_000.75, clock: 3, uuid: "t1" },
  { ...common, type: "task-succeeded", timestamp: 1_700_000_001, clock: 4, uuid: "t1", result: "5", runtime: 0.25 },
  {
    ...common,
    type: "task-failed",
    timestamp: 1_700_000_002.5,
    clock: 5,
    uuid: "t9",
    exception: "ValueError('x')",
    traceback: "Traceback (most recent call last):\n  ...\nValueError: x\n",
  },
  { ...common, type: "task-revoked", timestamp: 1_700_000_003.5, clock: 6, uuid: "t2", terminated: true, signum: 15, expired: false },
  {
    ...common,
    type: "task-sent",
    hostname: "producer@host",
    timestamp: 1_700_000_004.5,
    clock: 0,
    uuid: "t3",
    name: "tasks.mul",
    args: "[4]",
    kwargs: "{}",
    retries: 0,
    eta: "2023-11-14T22:13:30+00:00",
    expires: null,
    queue: "celery",
    exchange: "",
    routing_key: "celery",
    root_id: "t3",
    parent_id: null,
  },
  { type: "worker-offline", hostname: "w1@host", timestamp: 1_700_000_005.5 },
] as unknown as ReceivedEvent[];

describe("events --dump format vs celery.events.dumper", () => {
  it("every line equals Celery's", async () => {
    const result = await runPython({ brokerUrl: redisDbUrl(22), resultBackend: redisDbUrl(22) }, "conformance/python/reference/dump_events.py", [
      JSON.stringify(EVENTS),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const dumper = new EventDumper();
    // One print() per event; a traceback spans lines.
    assert.equal(EVENTS.map((e) => `${dumper.format({ ...e })}\n`).join(""), result.stdout);
  });
});
