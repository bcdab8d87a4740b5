// Our event dispatcher + heartbeat, watched by REAL Celery: `celery events --dump` and Celery's EventReceiver +
// events State (what Flower builds on) on Redis (db 7, PUB/SUB only) and RabbitMQ. The receivers' wake-up
// `heartbeat` broadcast reaches our pidbox, State holds our worker alive from its heartbeats and follows each task
// to its final state, and worker-offline takes it offline.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { TaskRegistry } from "../../worker/src/app/task-registry.js";
import { WorkerState } from "../../worker/src/app/worker-state.js";
import { startPidbox, type Pidbox } from "../../worker/src/control/start-pidbox.js";
import { createEventDispatcher, type BrokerEventDispatcher } from "../../worker/src/events/create-event-dispatcher.js";
import { SOFTWARE_INFO } from "../../worker/src/events/software-info.js";
import { startHeartbeat, type Heartbeat } from "../../worker/src/events/start-heartbeat.js";
import { StubControl, recordingLog } from "../../worker/test/control-fixtures.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { PythonProcess, type PythonEnv } from "./worker-control-python.js";

const REDIS_DB = 7;

interface Snapshot {
  phase: string;
  types: string[];
  worker: Record<string, unknown> | null;
  tasks: Record<string, Record<string, unknown>>;
}

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`events → real Celery receivers (${broker})`, { timeout: 60_000 }, () => {
    const node = `t-wctl-${process.pid}-ev-${broker}@testhost`;
    const env: PythonEnv = { brokerUrl: broker === "redis" ? redisDbUrl(REDIS_DB) : AMQP_URL, resultBackend: redisDbUrl(REDIS_DB) };
    const state = new WorkerState();
    const log = recordingLog();
    let transport: Transport;
    let dispatcher: BrokerEventDispatcher;
    let pidbox: Pidbox;
    let heart: Heartbeat | null = null;
    const processes: PythonProcess[] = [];

    /** The `heartbeat` control command's events (freq 5), sent when a receiver's wake-up broadcast arrives. */
    const wakeups: unknown[] = [];

    before(async () => {
      transport = broker === "redis" ? await createRedisTransport(redisDbUrl(REDIS_DB)) : await createAmqpTransport({ url: AMQP_URL });
      dispatcher = createEventDispatcher({ transport, hostname: node, clock: state.clock, enabled: true, log });
      const send = dispatcher.send.bind(dispatcher);
      dispatcher.send = (type, fields) => {
        if (type === "worker-heartbeat" && fields["freq"] === 5) wakeups.push(fields);
        send(type, fields);
      };
      pidbox = await startPidbox({
        transport,
        hostname: node,
        state,
        control: new StubControl(node),
        registry: new TaskRegistry(),
        dispatcher,
        mingle: false,
        log,
      });
    });

    after(async () => {
      await heart?.stop();
      await Promise.all(processes.map((p) => p.stop("SIGKILL")));
      await pidbox?.stop();
      await dispatcher?.close();
      await transport?.close();
    });

    it("State sees the worker alive and every task in its final state; events --dump prints them", async () => {
      const [ok, failed, revoked] = [randomUUID(), randomUUID(), randomUUID()];
      const probeNode = `${node}-probe`;
      const monitor = PythonProcess.start(env, "python", [
        "conformance/python/reference/events_monitor.py",
        node,
        [ok, failed, revoked].join(","),
        probeNode,
        "40",
      ]);
      const dump = PythonProcess.start(env, "celery", ["events", "--dump"]);
      processes.push(monitor, dump);
      // Both receivers broadcast `heartbeat` when they start consuming (our pidbox answers with a worker-heartbeat),
      // but on Redis they subscribe only afterwards: probe from another node name until both print what they got.
      const probe = createEventDispatcher({ transport, hostname: probeNode, log });
      const deadline = Date.now() + 25_000;
      while (!/^READY$/m.test(monitor.stdout) || !dump.stdout.includes(`${probeNode} [`)) {
        assert.ok(Date.now() < deadline, `receivers not listening:\n${monitor.stdout}${monitor.stderr}\n${dump.stdout}${dump.stderr}`);
        probe.send("worker-heartbeat", { freq: 0.25 });
        await new Promise((r) => setTimeout(r, 250));
      }
      await probe.close();
      assert.ok(wakeups.length >= 2, `the receivers' wake-up heartbeat broadcasts reached our pidbox: ${wakeups.length}`);

      heart = startHeartbeat(dispatcher, state, { freq: 1 });
      const received = (uuid: string, name: string, args: string) =>
        dispatcher.send("task-received", { uuid, name, args, kwargs: "{}", root_id: uuid, parent_id: null, retries: 0, eta: null, expires: null });
      received(ok, "conformance.add", "(2, 2)");
      dispatcher.send("task-started", { uuid: ok });
      dispatcher.send("task-succeeded", { uuid: ok, result: "4", runtime: 0.0123 });
      received(failed, "conformance.fail", "('boom',)");
      dispatcher.send("task-started", { uuid: failed });
      dispatcher.send("task-failed", {
        uuid: failed,
        exception: "ValueError('boom')",
        traceback: "Traceback (most recent call last):\n  ...\nValueError: boom\n",
      });
      received(revoked, "conformance.sleep", "(5,)");
      dispatcher.send("task-revoked", { uuid: revoked, terminated: false, signum: null, expired: false });
      state.countProcessed("conformance.add");
      state.countProcessed("conformance.fail");

      const [aliveLine] = await monitor.waitFor(/^\{"phase": "(alive|timeout)".*$/m, 30_000, "stdout");
      const alive = JSON.parse(aliveLine) as Snapshot;
      assert.equal(alive.phase, "alive", aliveLine);
      assert.deepEqual(alive.worker && [alive.worker["alive"], alive.worker["status"], alive.worker["freq"], alive.worker["pid"]], [
        true,
        "ONLINE",
        1,
        process.pid,
      ]);
      assert.deepEqual(alive.worker && [alive.worker["sw_ident"], alive.worker["sw_ver"], alive.worker["sw_sys"]], [
        SOFTWARE_INFO.sw_ident,
        SOFTWARE_INFO.sw_ver,
        SOFTWARE_INFO.sw_sys,
      ]);
      assert.equal((alive.worker!["loadavg"] as number[]).length, 3);
      assert.deepEqual(alive.tasks[ok], {
        state: "SUCCESS",
        name: "conformance.add",
        args: "(2, 2)",
        result: "4",
        exception: null,
        runtime: 0.0123,
        worker: node,
        received: true,
        started: true,
      });
      assert.deepEqual(
        [alive.tasks[failed]!["state"], alive.tasks[failed]!["name"], alive.tasks[failed]!["exception"]],
        ["FAILURE", "conformance.fail", "ValueError('boom')"],
      );
      assert.deepEqual([alive.tasks[revoked]!["state"], alive.tasks[revoked]!["name"]], ["REVOKED", "conformance.sleep"]);

      await heart.stop();
      heart = null;
      const [offlineLine] = await monitor.waitFor(/^\{"phase": "(offline|timeout)".*$/m, 15_000, "stdout");
      const offline = JSON.parse(offlineLine) as Snapshot;
      assert.equal(offline.phase, "offline");
      assert.deepEqual([offline.worker!["alive"], offline.worker!["status"], offline.worker!["processed"]], [false, "OFFLINE", 2]);
      assert.equal(offline.types.at(-1), "worker-offline");
      assert.ok(offline.types.includes("worker-online") && offline.types.includes("worker-heartbeat"), offline.types.join());
      assert.equal(await monitor.wait(), 0);
      assert.doesNotMatch(monitor.stderr, /drift|Traceback/i);

      await dump.waitFor(new RegExp(`${node} \\[[^\\]]+\\] shutdown: `), 10_000, "stdout");
      await dump.stop("SIGINT");
      const lines = dump.stdout.split("\n").filter((l) => l.startsWith(`${node} `));
      const kinds = lines.map((l) => /\] ([a-z ]+?):/.exec(l)?.[1]);
      for (const kind of ["started", "heartbeat", "task received", "task started", "task succeeded", "task failed", "task revoked", "shutdown"])
        assert.ok(kinds.includes(kind), `${kind} missing in:\n${lines.join("\n")}`);
      assert.ok(
        lines.some((l) => l.includes(`task succeeded: conformance.add(${ok}) args=(2, 2) kwargs={} `) && l.includes("result=4, runtime=0.0123, utcoffset=0.0")),
        lines.join("\n"),
      );
      assert.deepEqual(
        log.lines.filter((l) => l.startsWith("WARNING") || l.startsWith("ERROR")),
        [],
      );
    });
  });
}
