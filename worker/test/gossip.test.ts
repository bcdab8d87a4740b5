// Gossip's bookkeeping (Celery's events.State for workers, Gossip.periodic) on recorded events, and the gossip
// consumer on the in-memory transport: what it tracks, logs, ignores and answers. The same against real Celery
// workers on both brokers: conformance/tests/worker-gossip.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReceivedEvent } from "../../sdk/src/events/event-receiver-options.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { LamportClock } from "../src/app/lamport-clock.js";
import { createWorker } from "../src/create-worker.js";
import { createEventDispatcher } from "../src/events/create-event-dispatcher.js";
import { type ElectionEntry, heapPush, sortHeap } from "../src/gossip/election-heap.js";
import { PeerTable } from "../src/gossip/peer-table.js";
import { startGossip, supportsGossip } from "../src/gossip/start-gossip.js";
import { captureLogger, recordingEvents, waitUntil } from "./core-fixtures.js";

const PEER = "celery@peer";

/** A `worker-*` event as the receiver hands it over: sent at `timestamp`, received at `received`. */
function workerEvent(type: string, timestamp: number, received = timestamp, fields: Record<string, unknown> = {}): ReceivedEvent {
  return { type, hostname: PEER, timestamp, local_received: received, pid: 7, clock: 3, freq: 2.0, ...fields };
}

describe("PeerTable (Celery's events.State for workers)", () => {
  it("a first event or any worker-online is a join; worker-offline is a leave and drops the node", () => {
    const table = new PeerTable();
    assert.equal(table.apply(workerEvent("worker-heartbeat", 100)), "joined", "an unknown node's heartbeat is a join");
    assert.equal(table.apply(workerEvent("worker-heartbeat", 102)), null);
    assert.equal(table.apply(workerEvent("worker-online", 103)), "joined", "online is a join even when known");
    assert.deepEqual(
      table.alive(104).map((w) => [w.hostname, w.pid, w.freq, w.clock]),
      [[PEER, 7, 2, 3]],
    );
    assert.equal(table.apply(workerEvent("worker-offline", 104)), "left");
    assert.deepEqual(table.all(), []);
    assert.equal(table.apply(workerEvent("worker-offline", 105)), "left", "Celery calls on_node_leave for an unknown node too");
    assert.deepEqual(table.all(), [], "an unknown node's offline event adds nothing");
    assert.equal(table.apply({ ...workerEvent("task-succeeded", 106) }), null, "task events are not about workers");
  });

  it("a node is alive until freq * 2 seconds after its last heartbeat; sweepLost removes it then", () => {
    const table = new PeerTable();
    table.apply(workerEvent("worker-online", 100));
    table.apply(workerEvent("worker-heartbeat", 102));
    assert.equal(table.alive(105.9).length, 1);
    assert.deepEqual(table.sweepLost(105.9), []);
    assert.equal(table.alive(106).length, 0, "expired at 102 + 2 * 2");
    assert.deepEqual(
      table.sweepLost(106).map((w) => w.hostname),
      [PEER],
    );
    assert.deepEqual(table.all(), []);
  });

  it("without freq a node gets Celery's 60 s; without a timestamp no heartbeat is recorded (never alive)", () => {
    const table = new PeerTable();
    table.apply({ type: "worker-online", hostname: "a@x", timestamp: 100, local_received: 100 });
    assert.equal(table.alive(219).length, 1);
    assert.equal(table.alive(220).length, 0);
    table.apply({ type: "worker-heartbeat", hostname: "b@x", timestamp: 0, local_received: 100 });
    assert.deepEqual(
      table.sweepLost(100).map((w) => w.hostname),
      ["b@x"],
    );
  });

  it("keeps the last 4 arrival times in order; warns once per node about clock drift, in Celery's words", () => {
    const warnings: string[] = [];
    const table = new PeerTable({ onDrift: (m) => warnings.push(m) });
    for (const t of [100, 101, 103, 102, 104]) table.apply(workerEvent("worker-heartbeat", t));
    assert.deepEqual(table.all()[0]!.heartbeats, [101, 102, 103, 104]);
    table.apply(workerEvent("worker-heartbeat", 200, 217));
    table.apply(workerEvent("worker-heartbeat", 300, 330));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^Substantial drift from celery@peer may mean clocks are out of sync\. {2}Current drift is 17 seconds\. {2}\[orig: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d recv: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]$/,
    );
  });

  it("holds at most maxWorkers nodes, dropping the first seen", () => {
    const table = new PeerTable({ maxWorkers: 2 });
    for (const host of ["a@x", "b@x", "c@x"]) table.apply({ ...workerEvent("worker-online", 100), hostname: host });
    assert.deepEqual(
      table.all().map((w) => w.hostname),
      ["b@x", "c@x"],
    );
  });
});

describe("startGossip (in-memory transport)", () => {
  it("tracks other nodes' worker events, ignores its own and task events, acknowledges elections, logs as Celery", async () => {
    const transport = new MemoryTransport();
    const logger = captureLogger("DEBUG");
    const acks = recordingEvents();
    const clock = new LamportClock();
    const gossip = await startGossip({ transport, hostname: "celery@self", clock, dispatcher: acks, logger, intervalMs: 50 });
    assert.match(gossip.queue, /^celeryev\.[0-9a-f-]{36}$/);
    const peer = createEventDispatcher({ transport, hostname: PEER, bufferTaskEvents: false, enabled: true, pid: 7 });
    const self = createEventDispatcher({ transport, hostname: "celery@self", bufferTaskEvents: false });

    peer.send("worker-online", { freq: 0.05, sw_ident: "py-celery" });
    self.send("worker-online", { freq: 2 });
    peer.send("task-received", { uuid: "t1", name: "tasks.add" });
    peer.send("worker-elect", { id: "e1", topic: "task", action: "tasks.cleanup", cver: 1 });
    peer.send("worker-elect", { id: "e2", topic: "task" });
    await waitUntil(() => acks.sent.length > 0 && logger.lines.some((l) => l.includes("missing field")), 2000, "the election messages");
    assert.deepEqual(
      gossip.aliveWorkers().map((w) => [w.hostname, w.sw_ident]),
      [[PEER, "py-celery"]],
    );
    assert.ok(clock.current >= 4, "the worker clock follows the events");
    assert.deepEqual(acks.sent, [{ type: "worker-elect-ack", fields: { id: "e1" } }]);
    assert.ok(logger.lines.some((l) => l.includes(`DEBUG/MainProcess] ${PEER} joined the party`)));
    assert.ok(logger.lines.some((l) => l.includes("ERROR/MainProcess] election request missing field 'action'")));
    assert.ok(!logger.lines.some((l) => l.includes("celery@self")), "a worker does not track itself");

    // No heartbeat within freq * 2 (0.1 s): the next sweep reports it at INFO and drops it.
    await waitUntil(() => logger.lines.some((l) => l.includes(`INFO/MainProcess] missed heartbeat from ${PEER}`)), 2000, "missed heartbeat");
    assert.deepEqual(gossip.aliveWorkers(), []);

    peer.send("worker-heartbeat", { freq: 2 });
    peer.send("worker-offline", {});
    await waitUntil(() => logger.lines.some((l) => l.includes(`DEBUG/MainProcess] ${PEER} left`)), 2000, "the leave");
    assert.deepEqual(gossip.aliveWorkers(), []);
    await gossip.stop();
    await Promise.all([peer.close(), self.close()]);
  });

  it("runs only on AMQP and Redis, as Celery's compatible_transports: a worker on the in-memory transport has none", async () => {
    assert.equal(supportsGossip(new MemoryTransport()), false);
    const transport = new MemoryTransport();
    const declared: string[] = [];
    const declareQueue = transport.declareQueue.bind(transport);
    transport.declareQueue = (spec) => {
      declared.push(spec.name);
      return declareQueue(spec);
    };
    const worker = createWorker({ broker: transport, queues: ["q"], control: false, heartbeat: false });
    await worker.start();
    assert.deepEqual(worker.aliveWorkers(), []);
    assert.deepEqual(declared, ["q"]);
    await worker.stop();
  });
});

describe("elections (Celery's Gossip.election, on_elect, on_elect_ack)", () => {
  it("sortHeap is kombu's sort_heap, quirks included; heapPush is heapq's", () => {
    assert.deepEqual(
      sortHeap([
        [1, "b.1", "task", "x"],
        [2, "a.1", "task", "x"],
      ])[1],
      "b.1",
      "the lowest clock wins",
    );
    // kombu compares the run of equal clocks without its last entry.
    assert.deepEqual(
      sortHeap([
        [1, "b.1", "task", "x"],
        [1, "a.1", "task", "x"],
      ])[1],
      "b.1",
    );
    assert.deepEqual(
      sortHeap([
        [1, "c.1", "t", null],
        [1, "b.1", "t", null],
        [1, "a.1", "t", null],
      ])[1],
      "b.1",
    );
    assert.deepEqual(sortHeap([[5, "only.1", "t", null]])[1], "only.1", "kombu raises IndexError here");
    const heap: ElectionEntry[] = [];
    for (const entry of [
      [3, "c.1"],
      [1, "b.1"],
      [1, "a.1"],
      [2, "d.1"],
    ] as const)
      heapPush(heap, [entry[0], entry[1], "task", null]);
    assert.deepEqual(
      heap.map((e) => e[1]),
      ["a.1", "d.1", "b.1", "c.1"],
      "Python: heapq.heappush in this order gives [(1,'a.1'), (2,'d.1'), (1,'b.1'), (3,'c.1')]",
    );
  });

  it("two nodes holding the same election agree on one leader, which sends the elected task", async () => {
    const transport = new MemoryTransport();
    const nodes = await Promise.all(
      ["celery@a", "celery@b"].map(async (hostname, i) => {
        const logger = captureLogger("INFO");
        const dispatcher = createEventDispatcher({ transport, hostname, pid: 100 + i, bufferTaskEvents: false });
        const called: string[] = [];
        const gossip = await startGossip({
          transport,
          hostname,
          pid: 100 + i,
          clock: new LamportClock(),
          dispatcher,
          logger,
          callTask: async (name) => void called.push(name),
        });
        return { hostname, logger, dispatcher, called, gossip };
      }),
    );
    for (const node of nodes) node.dispatcher.send("worker-online", { freq: 2 });
    await waitUntil(() => nodes.every((n) => n.gossip.aliveWorkers().length === 1), 2000, "each node sees the other");
    for (const node of nodes) node.gossip.election("e1", "task", "tasks.cleanup");
    const decided = (n: (typeof nodes)[number]): boolean => n.logger.lines.some((l) => /I won the election 'e1'|elected for 'e1'/.test(l));
    await waitUntil(() => nodes.every(decided), 2000, "both decided");
    const winners = nodes.filter((n) => n.logger.lines.some((l) => l.includes("I won the election 'e1'")));
    assert.equal(winners.length, 1, nodes.map((n) => n.logger.lines.join("")).join("\n"));
    const [winner] = winners;
    const loser = nodes.find((n) => n !== winner)!;
    const winnerPid = 100 + nodes.indexOf(winner!);
    assert.ok(loser.logger.lines.some((l) => l.includes(`INFO/MainProcess] node ${winner!.hostname}.${winnerPid} elected for 'e1'`)));
    assert.deepEqual(winner!.called, ["tasks.cleanup"]);
    assert.deepEqual(loser.called, []);
    for (const node of nodes) {
      await node.gossip.stop();
      await node.dispatcher.close();
    }
  });
});
