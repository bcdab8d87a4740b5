// Our pidbox answers the REAL Celery CLI (`celery inspect ...`, `celery control ...`, Celery 5.7 and 5.3) on Redis
// (db 6) and RabbitMQ: the CLI parses every reply and prints it, and control commands change our worker state.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { TaskRegistry } from "../../worker/src/app/task-registry.js";
import { WorkerState } from "../../worker/src/app/worker-state.js";
import { startPidbox, type Pidbox } from "../../worker/src/control/start-pidbox.js";
import { createEventDispatcher, type BrokerEventDispatcher } from "../../worker/src/events/create-event-dispatcher.js";
import { StubControl, fakeRequest, holdRequest, recordingLog, registerConformanceTasks } from "../../worker/test/control-fixtures.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCelery, runLimited, runPython, type CliResult, type PythonEnv } from "./worker-control-python.js";

const REDIS_DB = 6;

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`pidbox ↔ real celery CLI (${broker})`, { timeout: 60_000 }, () => {
    const node = `t-wctl-${process.pid}-cli-${broker}@testhost`;
    const env: PythonEnv = { brokerUrl: broker === "redis" ? redisDbUrl(REDIS_DB) : AMQP_URL, resultBackend: redisDbUrl(REDIS_DB) };
    const state = new WorkerState();
    const registry = new TaskRegistry();
    const control = new StubControl(node, ["celery"]);
    const log = recordingLog();
    const revokedHook: string[] = [];
    let transport: Transport;
    let dispatcher: BrokerEventDispatcher;
    let pidbox: Pidbox;
    const cli = (args: readonly string[], venv = ".venv"): Promise<CliResult> => runCelery(env, [...args, "-d", node, "--json", "-t", "10"], venv);
    /** The `--json` output: `inspect` prints the flattened `{node: reply}`, `control` the list of them. */
    const json = (r: CliResult): Record<string, unknown> => {
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      const line = r.stdout.trim().split("\n").at(-1)!;
      const parsed = JSON.parse(line) as Record<string, unknown> | Record<string, unknown>[];
      const replies = Array.isArray(parsed) ? parsed : [parsed];
      assert.equal(replies.length, 1);
      assert.deepEqual(Object.keys(replies[0]!), [node]);
      return replies[0]!;
    };

    before(async () => {
      if (broker === "redis") {
        const redis = new Redis(redisDbUrl(REDIS_DB));
        await redis.flushdb();
        redis.disconnect();
        transport = await createRedisTransport(redisDbUrl(REDIS_DB));
      } else {
        transport = await createAmqpTransport({ url: AMQP_URL });
      }
      registerConformanceTasks(registry);
      holdRequest(state, "active", fakeRequest({ id: `${node}-active`, task: "conformance.sleep", args: [1.5], kwargs: { k: "v" }, hostname: node }));
      holdRequest(state, "reserved", fakeRequest({ id: `${node}-reserved`, task: "conformance.add", args: [2, 2], hostname: node }));
      holdRequest(
        state,
        "scheduled",
        fakeRequest({ id: `${node}-eta`, task: "conformance.echo", args: ["later"], hostname: node, eta: new Date(Date.now() + 3_600_000) }),
      );
      state.countProcessed("conformance.add");
      state.revoked.add("previously-revoked");
      dispatcher = createEventDispatcher({ transport, hostname: node, clock: state.clock, log });
      pidbox = await startPidbox({
        transport,
        hostname: node,
        state,
        control,
        registry,
        dispatcher,
        mingle: false,
        log,
        onRevoked: (ids) => void revokedHook.push(...ids),
      });
    });

    after(async () => {
      await pidbox?.stop();
      await dispatcher?.close();
      await transport?.close();
    });

    it("the node queue is bound as kombu binds it", async () => {
      if (broker === "redis") {
        const redis = new Redis(redisDbUrl(REDIS_DB));
        try {
          // kombu's fanout binding: "<routing key ''>\x06\x16<pattern ''>\x06\x16<queue>" in _kombu.binding.celery.pidbox.
          assert.ok((await redis.smembers("_kombu.binding.celery.pidbox")).includes(`\x06\x16\x06\x16${node}.celery.pidbox`));
        } finally {
          redis.disconnect();
        }
      }
      assert.equal(pidbox.queue, `${node}.celery.pidbox`);
    });

    it("celery inspect (CLI; conf and report through app.control.inspect): every reply parses, with Celery's shapes", async () => {
      const commands = [
        ["ping"],
        ["active"],
        ["registered"],
        ["stats"],
        ["scheduled"],
        ["reserved"],
        ["revoked"],
        ["active_queues"],
        ["query_task", `${node}-active`, `${node}-eta`],
        ["clock"],
      ];
      const calls = ["conf", "report"].map((method) => ({ kind: "inspect", method }));
      const [fromScript, ...results] = await runLimited(
        [
          () => runPython(env, "conformance/python/reference/control_client.py", [node, "10", JSON.stringify(calls)]),
          ...commands.map((c) => () => cli(["inspect", ...c])),
        ],
        4,
      );
      const [ping, active, registered, stats, scheduled, reserved, revoked, queues, query, clock] = results.map((r) => json(r)[node]);
      assert.equal(fromScript!.code, 0, fromScript!.stderr);
      const [conf, report] = (JSON.parse(fromScript!.stdout) as Record<string, unknown>[]).map((r) => {
        assert.deepEqual(Object.keys(r), [node]);
        return r[node];
      });
      assert.deepEqual(ping, { ok: "pong" });
      const [info] = active as Record<string, unknown>[];
      assert.deepEqual(Object.keys(info!), ["id", "name", "args", "kwargs", "type", "hostname", "time_start", "acknowledged", "delivery_info", "worker_pid"]);
      assert.deepEqual(
        [info!["id"], info!["args"], info!["kwargs"], info!["time_start"], info!["worker_pid"]],
        [`${node}-active`, [1.5], { k: "v" }, 1_700_000_000.5, process.pid],
      );
      assert.deepEqual(registered, ["conformance.add", "conformance.echo [rate_limit=10/m]", "conformance.sleep"]);
      const s = stats as Record<string, unknown>;
      assert.deepEqual(Object.keys(s), ["total", "pid", "clock", "uptime", "pool", "broker", "prefetch_count", "rusage"]);
      assert.deepEqual([s["total"], s["pid"], typeof s["clock"], s["prefetch_count"]], [{ "conformance.add": 1 }, process.pid, "string", 16]);
      assert.deepEqual((s["pool"] as Record<string, unknown>)["processes"], [process.pid]);
      const [eta] = scheduled as Record<string, unknown>[];
      assert.match(String(eta!["eta"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      assert.equal((eta!["request"] as Record<string, unknown>)["id"], `${node}-eta`);
      assert.deepEqual(
        (reserved as Record<string, unknown>[]).map((r) => r["id"]),
        [`${node}-reserved`],
      );
      assert.deepEqual(revoked, ["previously-revoked"]);
      assert.deepEqual(
        (queues as Record<string, unknown>[]).map((q) => [q["name"], (q["exchange"] as Record<string, unknown>)["type"], q["routing_key"]]),
        [["celery", "direct", "celery"]],
      );
      const q = query as Record<string, [string, Record<string, unknown>]>;
      assert.deepEqual([q[`${node}-active`]![0], q[`${node}-eta`]![0]], ["active", "scheduled"]);
      assert.equal(typeof (clock as { clock: unknown }).clock, "number");
      assert.equal((conf as Record<string, unknown>)["broker_transport"], broker);
      assert.match((report as { ok: string }).ok, /^software -> celery-proto:/);
    });

    it("celery control: revoke, rate_limit, enable_events change our state; shutdown reaches WorkerControl without a reply", async () => {
      const revokeId = `${node}-to-revoke`;
      const [revoke, rate, events, shutdown] = await runLimited(
        [
          () => cli(["control", "revoke", revokeId]),
          () => cli(["control", "rate_limit", "conformance.add", "10/s"]),
          () => cli(["control", "enable_events"]),
          () => runCelery(env, ["control", "shutdown", "-d", node, "-t", "1"]),
        ],
        4,
      );
      assert.deepEqual(json(revoke!)[node], { ok: `tasks {'${revokeId}'} flagged as revoked` });
      assert.ok(state.revoked.has(revokeId));
      assert.deepEqual(revokedHook, [revokeId]);
      assert.deepEqual(json(rate!)[node], { ok: "new rate limit set successfully" });
      assert.equal(registry.get("conformance.add")!.options.rateLimit, "10/s");
      assert.deepEqual(json(events!)[node], { ok: "task events enabled" });
      assert.equal(dispatcher.enabled, true);
      assert.equal(shutdown!.code, 69, shutdown!.stdout + shutdown!.stderr);
      assert.match(shutdown!.stderr, /No nodes replied/);
      assert.ok(control.calls.includes("shutdown"));
    });

    it("Celery 5.3's client reads the same replies", async () => {
      const calls = [
        { kind: "inspect", method: "ping" },
        { kind: "inspect", method: "stats" },
        { kind: "control", method: "revoke", args: { task_id: [`${node}-53`, `${node}-53b`] } },
      ];
      const result = await runPython(env, "conformance/python/reference/control_client.py", [node, "10", JSON.stringify(calls)], ".venv-5.3");
      assert.equal(result.code, 0, result.stderr);
      const [ping, stats, revoke] = JSON.parse(result.stdout) as [
        Record<string, unknown>,
        Record<string, Record<string, unknown>>,
        Record<string, { ok: string }>[],
      ];
      assert.deepEqual(ping, { [node]: { ok: "pong" } });
      assert.equal(stats[node]!["pid"], process.pid);
      assert.match(revoke[0]![node]!.ok, /^tasks \{'.+', '.+'\} flagged as revoked$/);
      assert.ok(state.revoked.has(`${node}-53b`));
      assert.deepEqual(
        log.lines.filter((l) => /Cannot decode|failed|Control command error/.test(l)),
        [],
      );
    });
  });
}
