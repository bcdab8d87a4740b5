// Mingle with real Celery workers: a Python worker started with mingle (Celery 5.3 on Redis db 7, 5.7 on RabbitMQ)
// receives our revoked ids from our `hello` reply, and our own mingle merges the Python worker's revoked ids and clock.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { flattenReplies } from "../../sdk/src/control/flatten-replies.js";
import { inspect } from "../../sdk/src/control/inspect.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import { createRedisTransport } from "../../sdk/src/transport/redis/create-redis-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { TaskRegistry } from "../../worker/src/app/task-registry.js";
import { WorkerState } from "../../worker/src/app/worker-state.js";
import { startPidbox, type Pidbox } from "../../worker/src/control/start-pidbox.js";
import { StubControl, recordingLog } from "../../worker/test/control-fixtures.js";
import { AMQP_URL, redisDbUrl } from "../harness/broker-urls.js";
import { PythonProcess, runCelery, type PythonEnv } from "./worker-control-python.js";

const REDIS_DB = 7;

for (const [broker, venv] of [
  ["redis", ".venv-5.3"],
  ["amqp", ".venv"],
] as const) {
  describe(`mingle with a real Celery worker (${broker}, ${venv})`, { timeout: 60_000 }, () => {
    const prefix = `t-wctl-${process.pid}-mg-${broker}`;
    const queue = `${prefix}-q`;
    const env: PythonEnv = { brokerUrl: broker === "redis" ? redisDbUrl(REDIS_DB) : AMQP_URL, resultBackend: redisDbUrl(REDIS_DB), queue };
    const python = `${prefix}-py@testhost`;
    const ours = `${prefix}-a@testhost`;
    const late = `${prefix}-b@testhost`;
    const oursState = new WorkerState();
    const oursRevoked = `${prefix}-revoked-by-ours-${randomUUID()}`;
    let transport: Transport;
    let first: Pidbox | undefined;
    let second: Pidbox | undefined;
    let worker: PythonProcess | undefined;

    before(async () => {
      if (broker === "redis") {
        const redis = new Redis(redisDbUrl(REDIS_DB));
        await redis.flushdb();
        redis.disconnect();
        transport = await createRedisTransport(redisDbUrl(REDIS_DB));
      } else {
        transport = await createAmqpTransport({ url: AMQP_URL });
      }
    });

    after(async () => {
      await worker?.stop();
      await second?.stop();
      await first?.stop();
      if (broker === "amqp") await transport?.deleteQueue(queue).catch(() => undefined);
      await transport?.close();
    });

    it("a Python worker's mingle takes our revoked ids; ours takes the Python worker's ids and clock", async () => {
      oursState.revoked.add(oursRevoked);
      first = await startPidbox({
        transport,
        hostname: ours,
        state: oursState,
        control: new StubControl(ours),
        registry: new TaskRegistry(),
        mingle: false,
        log: recordingLog(),
      });

      worker = PythonProcess.start(env, "celery", ["worker", "-P", "solo", "-c", "1", "-Q", queue, "-n", python, "--without-gossip", "-l", "INFO"], venv);
      await worker.waitFor(/ready\./, 40_000);
      assert.match(worker.stderr + worker.stdout, /mingle: sync with \d+ nodes/);
      const revokedThere = await runCelery(env, ["inspect", "revoked", "-d", python, "--json", "-t", "10"], venv);
      assert.equal(revokedThere.code, 0, revokedThere.stderr);
      assert.ok((JSON.parse(revokedThere.stdout.trim().split("\n").at(-1)!) as Record<string, string[]>)[python]!.includes(oursRevoked), revokedThere.stdout);

      // Revoke an id on the Python worker only, with our own client.
      const pythonRevoked = `${prefix}-revoked-on-python-${randomUUID()}`;
      const revokeReplies = await inspect(transport, "revoke", { task_id: [pythonRevoked] }, { destination: [python], timeoutMs: 10_000 });
      assert.deepEqual(flattenReplies(revokeReplies), { [python]: { ok: `tasks {'${pythonRevoked}'} flagged as revoked` } });
      const pythonClock = (flattenReplies(await inspect(transport, "clock", {}, { destination: [python], timeoutMs: 10_000 }))[python] as { clock: number })
        .clock;

      const lateState = new WorkerState();
      second = await startPidbox({
        transport,
        hostname: late,
        state: lateState,
        control: new StubControl(late),
        registry: new TaskRegistry(),
        mingleTimeoutMs: 1000,
        log: recordingLog(),
      });
      assert.ok(second.mingle?.nodes.includes(python), `mingle replies from ${second.mingle?.nodes.join(", ")}`);
      assert.ok(second.mingle?.nodes.includes(ours));
      assert.ok(lateState.revoked.has(pythonRevoked), "merged the Python worker's revoked ids");
      assert.ok(lateState.revoked.has(oursRevoked));
      assert.ok(lateState.clock.current > pythonClock, `clock ${lateState.clock.current} adjusted past the Python worker's ${pythonClock}`);
      await worker.waitFor(new RegExp(`sync with ${late.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), 10_000);
    });
  });
}
