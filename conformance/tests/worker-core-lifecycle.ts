// Shared by worker-core-lifecycle-{redis,amqp}.test.ts: `proto worker` processes (the CLI, from source under tsx)
// fed by REAL Python Celery, killed and stopped the three ways a worker ends. Nothing may be lost:
// - kill -9 mid-batch with acks_late: on RabbitMQ the broker requeues; on Redis the next worker's restoreVisible
//   brings the unacked deliveries back after a short visibility_timeout;
// - warm shutdown (SIGTERM): running tasks finish and are stored, an ETA task held unacked goes back to the queue;
// - cold shutdown (SIGQUIT): running acks_late tasks are aborted and every unacked message is requeued.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { AMQP_URL, redisDbUrl, type BrokerKind } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand, type ClientResult } from "../harness/celery-client-script.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { RawAmqpPublisher } from "../harness/raw-publisher.js";

const BROKER_DB = 2;
const RESULT_DB = 3;
const VISIBILITY_TIMEOUT = 3;

export function defineLifecycleSuite(broker: BrokerKind): void {
  describe(`proto worker lifecycle with Python Celery producers (${broker})`, { timeout: 90_000 }, () => {
    const queue = `t-wcore-${process.pid}-life-${broker}`;
    const brokerUrl = broker === "redis" ? redisDbUrl(BROKER_DB) : AMQP_URL;
    // Redis: a key prefix of our own, so the short visibility timeout restores only this suite's deliveries.
    const redisOptions = { global_keyprefix: `${queue}:`, visibility_timeout: VISIBILITY_TIMEOUT };
    const workers: ProtoWorkerProcess[] = [];
    const command = (extra: Partial<ClientCommand>): ClientCommand => ({
      broker: brokerUrl,
      backend: redisDbUrl(RESULT_DB),
      queue,
      timeout: 25,
      ...(broker === "redis" ? { transport_options: { global_keyprefix: redisOptions.global_keyprefix } } : {}),
      ...extra,
    });
    const startWorker = async (name: string, transportOptions: Record<string, unknown> = {}, prefetchMultiplier = 2): Promise<ProtoWorkerProcess> => {
      const args = [
        "-A",
        "conformance/ts-tasks/conformance-tasks.ts",
        "-l",
        "info",
        "-Q",
        queue,
        "-c",
        "2",
        "--prefetch-multiplier",
        String(prefetchMultiplier),
      ];
      args.push("--broker", brokerUrl, "--backend", redisDbUrl(RESULT_DB), "-n", `${name}-${process.pid}@%h`, "--without-mingle", "--without-heartbeat");
      if (broker === "redis") args.push("--broker-transport-options", JSON.stringify({ ...redisOptions, ...transportOptions }));
      const worker = await ProtoWorkerProcess.start(args);
      workers.push(worker);
      return worker;
    };
    const received = (w: ProtoWorkerProcess, id: string): boolean => w.log.includes(`[${id}] received`);
    /** Every worker a test started is stopped when it ends, pass or fail, so none consumes the next test's messages. */
    const stopAll = (): Promise<unknown> => Promise.all(workers.map((w) => w.stop(2000)));

    before(async () => {
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });

    afterEach(stopAll);

    after(async () => {
      await stopAll();
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });

    it("acks_late + kill -9 mid-batch: a new worker gets every unfinished message back; Python's get() sees all 6 results", async () => {
      // Prefetch = concurrency = 2 and 1 s tasks: it takes 2, finishes them, takes 2 more and is killed in the middle of
      // those, not while fetching (kombu's Redis ack emulation, like ours, has a short window between BRPOP and the
      // `unacked` record in which a kill -9 loses the message).
      const a = await startWorker("killed", {}, 1);
      const sent = await runCeleryClient(
        "send",
        command({ calls: Array.from({ length: 6 }, (_, i) => ({ task: "wcore.batch_late", args: JSON.stringify([i, 1]) })) }),
      );
      await a.waitFor(/(succeeded in [^\n]*\n[\s\S]*){2}/, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      a.signal("SIGKILL");
      const killed = await a.exited;
      assert.equal(killed.signal, "SIGKILL");
      const inFlight = sent.filter((s) => received(a, s.id) && !a.log.includes(`[${s.id}] succeeded`));
      assert.ok(inFlight.length > 0, "some messages were delivered to the killed worker and not finished");
      // Redis: the next worker sweeps unacked deliveries older than the visibility timeout every second.
      const b = await startWorker("rescuer", { unacked_restore_interval: 1, unacked_restore_throttle: 1 });
      const results = await runCeleryClient("get", command({ ids: sent.map((s) => s.id) }));
      assert.deepEqual(
        results.map((r) => (r.ok ? r.value : `${r.exc_type}: ${r.exc_str}`)),
        Array.from({ length: 6 }, (_, i) => i),
      );
      for (const s of inFlight) assert.ok(received(b, s.id), `${s.id}, unfinished when the first worker died, ran again on the second`);
      if (broker === "redis") assert.match(b.log, /INFO\/MainProcess\] Restored \d+ unacknowledged message\(s\) older than the visibility timeout/);
      await b.stop();
    });

    it("warm shutdown (SIGTERM): running tasks finish and are stored; a held ETA task goes back to the queue", async () => {
      const w = await startWorker("warm");
      const sent = await runCeleryClient(
        "send",
        command({
          calls: [
            { task: "conformance.sleep", args: "[2]" },
            { task: "conformance.sleep", args: "[2]" },
            { task: "wcore.now", options: { countdown: 3 } },
          ],
        }),
      );
      await w.waitFor(new RegExp(sent.map((s) => `\\[${s.id}\\] received[\\s\\S]*`).join("")), 10_000);
      await new Promise((r) => setTimeout(r, 200));
      const atSignal = w.log;
      w.signal("SIGTERM");
      const exit = await w.exited;
      assert.equal(exit.code, 0);
      for (const s of sent.slice(0, 2)) assert.doesNotMatch(atSignal, new RegExp(`\\[${s.id}\\] succeeded`), "still running when SIGTERM arrived");
      assert.match(w.log, /worker: Warm shutdown \(MainProcess\)/);
      for (const s of sent.slice(0, 2)) assert.match(w.log, new RegExp(`\\[${s.id}\\] succeeded in`));
      assert.doesNotMatch(w.log, new RegExp(`\\[${sent[2]!.id}\\] succeeded`));
      const next = await startWorker("after-warm");
      const results = await runCeleryClient("get", command({ ids: sent.map((s) => s.id) }));
      assert.deepEqual(results.slice(0, 2).map(value), [2, 2]);
      assert.equal(results[2]?.ok, true, "the ETA task was requeued and ran on the next worker");
      assert.ok(received(next, sent[2]!.id));
      await next.stop();
    });

    it("cold shutdown (SIGQUIT): running acks_late tasks are aborted at once and every unacked message is requeued", async () => {
      const w = await startWorker("cold");
      const sent = await runCeleryClient("send", command({ calls: Array.from({ length: 3 }, () => ({ task: "wcore.slow_first", args: "[30]" })) }));
      await w.waitFor(new RegExp(sent.map((s) => `\\[${s.id}\\] received[\\s\\S]*`).join("")), 10_000);
      await new Promise((r) => setTimeout(r, 200));
      const signalledAt = Date.now();
      w.signal("SIGQUIT");
      await w.exited;
      assert.ok(Date.now() - signalledAt < 10_000, "did not wait for the 30 s tasks");
      assert.match(w.log, /worker: Cold shutdown \(MainProcess\)/);
      const next = await startWorker("after-cold");
      const results = await runCeleryClient("get", command({ ids: sent.map((s) => s.id) }));
      assert.deepEqual(results.map(value), ["redelivered", "redelivered", "redelivered"]);
      await next.stop();
    });
  });
}

function value(r: ClientResult): unknown {
  return r.ok ? r.value : `${r.exc_type}: ${r.exc_str}`;
}
