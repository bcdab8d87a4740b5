// The operator commands (`proto inspect|control|status|events|purge|result`) against a REAL Python Celery 5.7 worker
// and our worker side by side, on Redis (db 20, results db 21) and RabbitMQ. For the Python node, every reply equals
// (as data) what Celery's own client reports for the same worker; our node's replies have the same shapes.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { lastJson, normalise, ProtoProcess, runProto, runProtoBatch, shapeOf, startWorkerPair, type WorkerPair } from "./operator-cli-fixture.js";
import { runCelery, runLimited, runPython, type CliResult, type PythonEnv } from "./worker-control-python.js";

/**
 * What to compare between the two nodes' replies: `stats.pool` describes each worker's own pool (Python's threads
 * pool: `threads`; ours: prefork's `processes`, ...); `query_task` is keyed by different task ids: compared by
 * where each task is (`active`, `scheduled`) and the request info's keys.
 */
function comparableReply(method: string, reply: unknown): unknown {
  if (method === "query_task") return Object.fromEntries(Object.values(reply as Record<string, [string, unknown]>).map(([where, info]) => [where, info]));
  if (method !== "stats") return reply;
  const { pool, ...rest } = reply as Record<string, Record<string, unknown>>;
  assert.deepEqual([typeof pool!["implementation"], typeof pool!["max-concurrency"]], ["string", "number"]);
  return rest;
}

const INSPECT = ["ping", "active", "reserved", "scheduled", "registered", "stats", "revoked", "active_queues", "conf", "clock", "report"];

for (const broker of ["redis", "amqp"] as const satisfies readonly BrokerKind[]) {
  describe(`operator CLI against Python and TS workers (${broker})`, { timeout: 240_000 }, () => {
    const tag = `${process.pid}-${broker}`;
    const queue = `t-ops-${tag}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(20) : AMQP_URL;
    const backend = redisDbUrl(21);
    const env: PythonEnv & { queue: string } = { brokerUrl, resultBackend: backend, queue };
    const protoEnv = { CELERY_BROKER_URL: brokerUrl, CELERY_RESULT_BACKEND: backend };
    let pair: WorkerPair;
    let client: Client;
    let both: string;
    const proto = (args: readonly string[]): Promise<CliResult> => runProto(args, protoEnv);
    /** Many short `proto` runs in one process (Node's start-up is paid once). */
    const batch = (commands: readonly (readonly string[])[]): Promise<CliResult[]> => runProtoBatch(commands, protoEnv);
    /** `proto inspect <method> --json` for both workers. */
    const inspectBoth = (method: string, ...args: string[]): string[] => ["inspect", method.replaceAll("_", "-"), ...args, "-d", both, "-t", "10", "--json"];
    const replies = (r: CliResult | undefined): Record<string, unknown> => lastJson(r!) as Record<string, unknown>;

    /** `proto events --dump`, listening before the workers start: it sees them come online and go offline. */
    let monitor: ProtoProcess;

    before(async () => {
      monitor = ProtoProcess.start(["events", "--dump"], protoEnv);
      await monitor.waitFor((out) => out.includes("-> evdump: starting capture...\n"), 30_000);
      pair = await startWorkerPair(env, tag);
      both = `${pair.pyNode},${pair.tsNode}`;
      client = await createClient({ broker: brokerUrl, backend });
    });

    after(async () => {
      await client?.close();
      await Promise.all([pair?.python.stop("SIGKILL"), pair?.ts.stop(5_000), monitor?.interrupt()]);
    });

    it("inspect: every method's reply for the Python node equals Celery's; our node's has the same shape", async () => {
      // Something to show: a running task and an ETA task on each worker.
      const running = await Promise.all([`${queue}-py`, `${queue}-ts`].map((q) => client.enqueue("conformance.sleep", [20], {}, { queue: q })));
      const eta = await Promise.all([`${queue}-py`, `${queue}-ts`].map((q) => client.enqueue("conformance.add", [1, 2], {}, { queue: q, countdown: 600 })));
      const ids = [...running, ...eta].map((r) => r.id);
      await Promise.all([
        pair.python.waitFor(new RegExp(`${running[0]!.id}\\] received`), 20_000),
        pair.ts.waitFor(new RegExp(`${running[1]!.id}\\] received`), 20_000),
      ]);
      await new Promise((r) => setTimeout(r, 500));
      const calls = [...INSPECT.map((method) => ({ kind: "inspect", method })), { kind: "inspect", method: "query_task", args: { ids } }];
      const jobs: (() => Promise<unknown>)[] = [
        () => batch([...INSPECT.map((m) => inspectBoth(m)), inspectBoth("query_task", ...ids)]).then((rs) => rs.map(replies)),
        () => runPython(env, "conformance/python/reference/control_client.py", [pair.pyNode, "10", JSON.stringify(calls)]).then((r) => lastJson(r)),
        // The real `celery inspect` CLI too, for a few of them.
        ...["ping", "registered", "active_queues"].map((m) => () => runCelery(env, ["inspect", m, "-d", pair.pyNode, "--json", "-t", "10"]).then(lastJson)),
      ];
      const [oursAll, reference, cliPing, cliRegistered, cliQueues] = await runLimited(jobs, 3);
      const ours = oursAll as Record<string, unknown>[];
      const celery = reference as Record<string, unknown>[];
      for (const [i, method] of [...INSPECT, "query_task"].entries()) {
        const replies = ours[i]!;
        assert.deepEqual(Object.keys(replies).sort(), [pair.pyNode, pair.tsNode].sort(), method);
        assert.deepEqual(
          normalise(method, replies[pair.pyNode]),
          normalise(method, celery[i]![pair.pyNode]),
          `${method}: proto and Celery disagree about the Python node`,
        );
        if (method !== "conf" && method !== "report")
          assert.deepEqual(
            shapeOf(comparableReply(method, replies[pair.tsNode])),
            shapeOf(comparableReply(method, replies[pair.pyNode])),
            `${method}: our node's reply has another shape`,
          );
      }
      const byMethod = Object.fromEntries([...INSPECT, "query_task"].map((m, i) => [m, ours[i] as Record<string, unknown>]));
      assert.deepEqual(cliPing, { [pair.pyNode]: { ok: "pong" } });
      assert.deepEqual(cliRegistered, { [pair.pyNode]: byMethod["registered"]![pair.pyNode] });
      assert.deepEqual(cliQueues, { [pair.pyNode]: byMethod["active_queues"]![pair.pyNode] });
      for (const node of [pair.pyNode, pair.tsNode]) {
        const active = byMethod["active"]![node] as Record<string, unknown>[];
        assert.deepEqual(
          active.map((a) => a["id"]),
          [running[node === pair.pyNode ? 0 : 1]!.id],
        );
        const scheduled = byMethod["scheduled"]![node] as { request: { id: string } }[];
        assert.deepEqual(
          scheduled.map((s) => s.request.id),
          [eta[node === pair.pyNode ? 0 : 1]!.id],
        );
        const query = byMethod["query_task"]![node] as Record<string, [string, unknown]>;
        assert.deepEqual(
          Object.fromEntries(Object.entries(query).map(([id, [where]]) => [id, where])),
          node === pair.pyNode ? { [running[0]!.id]: "active", [eta[0]!.id]: "scheduled" } : { [running[1]!.id]: "active", [eta[1]!.id]: "scheduled" },
        );
        const conf = byMethod["conf"]![node] as Record<string, unknown>;
        assert.ok(Object.keys(conf).length > 0, `${node} conf`);
        if (node === pair.pyNode) assert.equal(conf["task_default_queue"], queue);
        assert.match((byMethod["report"]![node] as { ok: string }).ok, /software -> /);
      }
      await Promise.all(eta.map((r) => r.revoke()));
    });

    it("inspect / status human output: `->  node: OK`, the reply indented, `N nodes online.`", async () => {
      const py = ["-d", pair.pyNode, "-t", "10"];
      const human = [
        ["inspect", "registered", ...py],
        ["inspect", "active_queues", ...py],
        ["status", ...py],
      ];
      const [ours, ...celery] = await runLimited<CliResult[] | CliResult>(
        [
          () =>
            batch([
              ["inspect", "ping", "-d", both, "-t", "10"],
              ["status", "-d", both, "-t", "10"],
              ["status", "-d", both, "-t", "10", "--json"],
              ["inspect", "ping", "-d", `nobody-${tag}@testhost`, "-t", "0.5"],
              ["inspect", "nonsense"],
              ...human,
            ]),
          ...human.map((args) => () => runCelery(env, args)),
        ],
        4,
      );
      const [ping, status, statusJson, none, bad, ...oursHuman] = ours as CliResult[];
      // The same worker through both CLIs prints the same text (lists as `* item`, dicts as Python reprs).
      for (const [i, r] of oursHuman.entries()) assert.equal(r.stdout, (celery[i] as CliResult).stdout, human[i]!.join(" "));
      for (const node of [pair.pyNode, pair.tsNode]) assert.ok(ping!.stdout.includes(`->  ${node}: OK\n        pong\n`), ping!.stdout);
      assert.match(ping!.stdout, /\n\n2 nodes online\.\n$/);
      assert.match(status!.stdout, /\n\n2 nodes online\.\n$/);
      assert.deepEqual(JSON.parse(statusJson!.stdout.split("\n")[0]!), { [pair.pyNode]: { ok: "pong" }, [pair.tsNode]: { ok: "pong" } });
      assert.equal(none!.code, 69);
      assert.match(none!.stderr, /No nodes replied within time constraint/);
      assert.equal(bad!.code, 2);
      assert.match(bad!.stderr, /inspect command "nonsense" not recognized.*active-queues/);
    });

    it("control: replies equal Celery's, and the workers' state changes (revoke, rate/time limits, consumers, events, pool, heartbeat)", async () => {
      const [revokeId, refRevokeId] = [randomUUID(), randomUUID()];
      const extra = `${queue}-extra`;
      const control = (...args: string[]): string[] => ["control", ...args, "-d", both, "-t", "10", "--json"];
      const refCalls = [
        { kind: "control", method: "revoke", args: { task_id: [refRevokeId] } },
        { kind: "control", method: "rate_limit", args: { task_name: "conformance.mul", rate_limit: "5/s" } },
        { kind: "control", method: "time_limit", args: { task_name: "conformance.mul", soft: 10.0, hard: 20.0 } },
        { kind: "control", method: "heartbeat" },
        { kind: "control", method: "revoke", args: { task_id: [randomUUID()], terminate: true, signal: "SIGKILL" } },
        { kind: "control", method: "pool_grow", args: { n: 1 } },
        { kind: "control", method: "pool_shrink", args: { n: 1 } },
        { kind: "control", method: "add_consumer", args: { queue: `${extra}-ref` } },
        { kind: "control", method: "cancel_consumer", args: { queue: `${extra}-ref` } },
      ];
      const [reference, cliRate, ours] = await Promise.all([
        runPython(env, "conformance/python/reference/control_client.py", [pair.pyNode, "10", JSON.stringify(refCalls)]),
        runCelery(env, ["control", "rate_limit", "conformance.xsum", "3/s", "-d", pair.pyNode, "-t", "10", "--json"]),
        batch([
          control("revoke", revokeId),
          control("rate-limit", "conformance.add", "10/s"),
          control("time-limit", "conformance.add", "10", "20"),
          control("add-consumer", extra),
          control("pool-grow", "1"),
          control("pool-shrink", "1"),
          control("heartbeat"),
          control("disable-events"),
          inspectBoth("revoked"),
          inspectBoth("active_queues"),
          control("enable-events"),
          control("cancel-consumer", extra),
          inspectBoth("active_queues"),
          control("revoke", randomUUID(), "--terminate", "--signal", "SIGKILL"),
        ]),
      ]);
      const [revoke, rate, time, add, grow, shrink, heartbeat, disable, revokedR, queuesR, enable, cancel, afterR, terminate] = ours;
      /** `control --json` prints the list of `{node: reply}`: as one object. */
      const merged = (r: CliResult | undefined): Record<string, unknown> =>
        Object.assign({}, ...(lastJson(r!) as Record<string, unknown>[])) as Record<string, unknown>;
      const [refRevoke, refRate, refTime, refHeartbeat, refTerminate, refGrow, refShrink, refAdd, refCancel] = (
        lastJson(reference!) as Record<string, unknown>[][]
      ).map((list) => Object.assign({}, ...list) as Record<string, unknown>);
      const each = (r: Record<string, unknown>, expected: unknown): void => assert.deepEqual(r, { [pair.pyNode]: expected, [pair.tsNode]: expected });
      assert.equal(reference.code, 0, reference.stderr);
      each(merged(revoke), { ok: `tasks {'${revokeId}'} flagged as revoked` });
      assert.deepEqual(refRevoke, { [pair.pyNode]: { ok: `tasks {'${refRevokeId}'} flagged as revoked` } });
      each(merged(rate), refRate![pair.pyNode]);
      each(merged(time), refTime![pair.pyNode]);
      assert.deepEqual(refTime![pair.pyNode], { ok: "time limits set successfully" });
      each(merged(heartbeat), refHeartbeat![pair.pyNode]);
      // --terminate of a task no worker is running.
      assert.deepEqual(refTerminate![pair.pyNode], { ok: "terminate: tasks unknown" });
      each(merged(terminate), refTerminate![pair.pyNode]);
      each(merged(add), { ok: `add consumer ${extra}` });
      // Real Celery: a worker started with -E has no event groups (= all), so `disable_events` finds no "task" group
      // to drop and answers "already disabled" (and keeps sending task events); ours really disables them.
      assert.deepEqual(merged(disable), { [pair.pyNode]: { ok: "task events already disabled" }, [pair.tsNode]: { ok: "task events disabled" } });
      assert.deepEqual(merged(enable), { [pair.pyNode]: { ok: "task events already enabled" }, [pair.tsNode]: { ok: "task events enabled" } });
      // The same command from Celery's client and from proto gets the same answer from the Python worker.
      assert.deepEqual(merged(grow)[pair.pyNode], refGrow![pair.pyNode]);
      assert.deepEqual(merged(shrink)[pair.pyNode], refShrink![pair.pyNode]);
      assert.deepEqual(refAdd![pair.pyNode], { ok: `add consumer ${extra}-ref` });
      assert.deepEqual(refCancel![pair.pyNode], { ok: `no longer consuming from ${extra}-ref` });
      assert.deepEqual(lastJson(cliRate), [{ [pair.pyNode]: merged(rate)[pair.pyNode] }], "celery control rate_limit (CLI)");
      for (const r of [merged(grow), merged(shrink)]) assert.ok("ok" in (r[pair.tsNode] as object) || "error" in (r[pair.tsNode] as object), JSON.stringify(r));
      const [revoked, queues, afterCancel] = [replies(revokedR), replies(queuesR), replies(afterR)];
      for (const node of [pair.pyNode, pair.tsNode]) {
        assert.ok((revoked[node] as string[]).includes(revokeId), `${node} revoked ${JSON.stringify(revoked[node])}`);
        assert.ok((queues[node] as { name: string }[]).some((q) => q.name === extra));
        assert.ok(!(afterCancel[node] as { name: string }[]).some((q) => q.name === extra));
      }
      each(merged(cancel), { ok: `no longer consuming from ${extra}` });
    });

    it("events --dump shows both workers' events side by side; --json and the live view see the same", async () => {
      const dump = ProtoProcess.start(["events", "--dump"], protoEnv);
      const json = ProtoProcess.start(["events", "--json"], protoEnv);
      const live = ProtoProcess.start(["events", "--interval", "0.5"], protoEnv);
      try {
        // The receivers' wake-up `heartbeat` broadcast makes both workers announce themselves.
        const heard = (out: string): boolean => [pair.pyNode, pair.tsNode].every((n) => out.includes(`${n} [`));
        await dump.waitFor(heard, 30_000);
        await json.waitFor((out) => [pair.pyNode, pair.tsNode].every((n) => out.includes(`"hostname": "${n}"`)), 30_000);
        await live.waitFor((out) => out.includes(pair.pyNode) && out.includes(pair.tsNode), 30_000);
        const results = await Promise.all([`${queue}-py`, `${queue}-ts`].map((q) => client.enqueue("conformance.add", [20, 22], {}, { queue: q })));
        assert.deepEqual(await Promise.all(results.map((r) => r.get({ timeoutMs: 20_000 }))), [42, 42]);
        const succeeded = (out: string): boolean => results.every((r) => new RegExp(`task succeeded: conformance\\.add\\(${r.id}\\)`).test(out));
        await dump.waitFor(succeeded, 20_000);
        await live.waitFor((out) => results.every((r) => new RegExp(`${r.id}\\s+conformance\\.add\\s+SUCCESS`).test(out)), 20_000);
        await json.waitFor((out) => results.every((r) => out.includes(`"uuid": "${r.id}"`) && out.includes('"type": "task-succeeded"')), 20_000);
        const lines = dump.stdout.split("\n");
        for (const [i, node] of [pair.pyNode, pair.tsNode].entries()) {
          const id = results[i]!.id;
          assert.ok(
            lines.some((l) => l.startsWith(`${node} [`) && / heartbeat: .*freq=/.test(l)),
            `${node} heartbeat`,
          );
          for (const type of ["received", "started", "succeeded"]) {
            assert.ok(
              lines.some((l) => l.startsWith(`${node} [`) && l.includes(`task ${type}: conformance.add(${id}) args=(20, 22) kwargs={}`)),
              `${node} task ${type}\n${dump.stdout}`,
            );
          }
          assert.ok(lines.some((l) => l.startsWith(`${node} [`) && l.includes(`task succeeded: conformance.add(${id})`) && l.includes("result=42")));
        }
        const events = json.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const node of [pair.pyNode, pair.tsNode]) {
          const types = new Set(events.filter((e) => e["hostname"] === node).map((e) => e["type"]));
          for (const type of ["worker-heartbeat", "task-received", "task-started", "task-succeeded"]) assert.ok(types.has(type), `${node}: ${type}`);
        }
        for (const node of [pair.pyNode, pair.tsNode])
          assert.match(monitor.stdout, new RegExp(`^${node} \\[[^\\]]+\\] started: .*freq=`, "m"), `${node} worker-online`);
        assert.match(live.stdout, new RegExp(`${pair.pyNode}\\s+ONLINE`));
        assert.match(live.stdout, new RegExp(`${pair.tsNode}\\s+ONLINE`));
      } finally {
        await Promise.all([dump.interrupt(), json.interrupt(), live.interrupt()]);
      }
    });

    it("purge empties the named queue and reports the count as `celery purge` does", async () => {
      const idle = `${queue}-idle`;
      const fill = async (): Promise<void> => {
        for (let i = 0; i < 3; i++) await client.enqueue("conformance.add", [i, i], {}, { queue: idle });
      };
      await fill();
      const [ours, again, refused] = await batch([
        ["purge", "-Q", idle, "--force"],
        ["purge", "-Q", idle, "-f"],
        ["purge", "-Q", idle],
      ]);
      assert.equal(ours!.code, 0, ours!.stderr);
      await fill();
      const celery = await runCelery(env, ["purge", "-Q", idle, "-f"]);
      const celeryAgain = await runCelery(env, ["purge", "-Q", idle, "-f"]);
      assert.equal(ours!.stdout, "Purged 3 messages from 1 known task queue.\n");
      assert.equal(ours!.stdout, celery.stdout);
      assert.equal(again!.stdout, "No messages purged from 1 queue.\n");
      assert.equal(again!.stdout, celeryAgain.stdout);
      assert.equal(refused!.code, 1);
      assert.match(refused!.stderr, /Aborted!/);
    });

    it("result prints a stored result, waits with --wait, and says when a task is not ready", async () => {
      const [slow, failing] = await Promise.all([
        client.enqueue("conformance.sleep", [1], {}, { queue: `${queue}-ts` }),
        client.enqueue("conformance.fail", ["nope"], {}, { queue: `${queue}-py` }),
      ]);
      const pending = randomUUID();
      const [waited, notReady, failed, meta] = await batch([
        ["result", slow.id, "--wait", "--timeout", "30"],
        ["result", pending],
        ["result", failing.id, "--wait", "--timeout", "30"],
        ["result", failing.id, "--json"],
      ]);
      assert.equal(waited!.code, 0, waited!.stderr);
      assert.equal(waited!.stdout.trim(), "1");
      assert.equal(notReady!.code, 2);
      assert.match(notReady!.stderr, /PENDING/);
      assert.equal(failed!.code, 1);
      assert.match(failed!.stderr, /ValueError: nope/);
      const doc = lastJson(meta!) as Record<string, unknown>;
      assert.equal(doc["status"], "FAILURE");
      assert.equal((doc["result"] as Record<string, unknown>)["exc_type"], "ValueError");
    });

    it("control shutdown: no reply (exit 69, as celery), and the worker exits", async () => {
      const r = await proto(["control", "shutdown", "-d", pair.tsNode, "-t", "1"]);
      assert.equal(r.code, 69);
      assert.match(r.stderr, /No nodes replied/);
      const exited = await Promise.race([pair.ts.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
      assert.notEqual(exited, null, "the TS worker exited");
      await monitor.waitFor((out) => new RegExp(`^${pair.tsNode} \\[[^\\]]+\\] shutdown: `, "m").test(out), 10_000);
      const status = await proto(["status", "-d", both, "-t", "2"]);
      assert.match(status.stdout, /\n1 node online\.\n$/);
    });
  });
}
