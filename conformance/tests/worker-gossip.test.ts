// Gossip with a real Celery 5.7 worker (Redis db 17, and a RabbitMQ vhost of its own): our worker declares the queue
// the Python worker declares for its own gossip (name, flags, arguments, binding), logs the Python node joining and
// leaving as Celery does, and the Python worker's gossip logs ours joining. `proto worker --without-gossip` declares
// no gossip queue and logs no peer (its heartbeats still go out).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createWorker } from "../../worker/src/create-worker.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { poll } from "../harness/poll.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { createTestVhost, listVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";
import { PythonProcess, type PythonEnv } from "./worker-control-python.js";

const REDIS_DB = 17;
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";
/** kombu's Redis binding member separator (`Channel.sep`). */
const KOMBU_SEP = "\x06\x16";

/** A gossip queue as the broker shows it, its `<uuid>` left out so ours and Celery's compare. */
interface GossipQueue {
  readonly name: string;
  readonly declaration: string;
}

/** The `celeryev.*` queues on the broker and how each is declared and bound. */
async function gossipQueues(broker: BrokerKind, vhost: TestVhost | null): Promise<GossipQueue[]> {
  if (broker === "amqp") {
    const queues = await listVhost("queues", vhost!.name, ["name", "durable", "auto_delete", "exclusive", "arguments"]);
    const bindings = await listVhost("bindings", vhost!.name, ["source_name", "destination_name", "routing_key"]);
    return queues
      .filter(([name]) => name!.startsWith("celeryev."))
      .map(([name, ...flags]) => {
        const keys = bindings.filter(([source, destination]) => source === "celeryev" && destination === name).map(([, , key]) => key);
        return { name: name!, declaration: `durable=${flags[0]} auto_delete=${flags[1]} exclusive=${flags[2]} arguments=${flags[3]} bound=${keys.join(",")}` };
      });
  }
  const redis = new Redis(redisDbUrl(REDIS_DB));
  try {
    const members = await redis.smembers("_kombu.binding.celeryev");
    return members.map((member) => {
      const [routingKey, pattern, name] = member.split(KOMBU_SEP);
      return { name: name!, declaration: `routing_key=${routingKey} pattern=${pattern}` };
    });
  } finally {
    redis.disconnect();
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const broker of ["redis", "amqp"] as const) {
  describe(`gossip with a real Celery worker (${broker})`, { timeout: 90_000 }, () => {
    const prefix = `t-gossip-${process.pid}-${broker}`;
    const python = `${prefix}-py@testhost`;
    const ours = `${prefix}-ours@testhost`;
    const silent = `${prefix}-silent@testhost`;
    const oursLog: string[] = [];
    let vhost: TestVhost | null = null;
    let brokerUrl = "";
    let gossiping: Worker | undefined;
    let withoutGossip: ProtoWorkerProcess | undefined;
    let pythonWorker: PythonProcess | undefined;

    before(async () => {
      if (broker === "amqp") {
        vhost = await createTestVhost(`${prefix}-vhost`);
        brokerUrl = vhost.url;
      } else {
        brokerUrl = redisDbUrl(REDIS_DB);
        const redis = new Redis(brokerUrl);
        await redis.flushdb();
        redis.disconnect();
      }
    });

    after(async () => {
      await pythonWorker?.stop();
      await gossiping?.stop();
      await withoutGossip?.stop();
      await vhost?.delete();
    });

    it("declares Celery's gossip queue; joins, missed heartbeats and leaves logged as Celery logs them; Celery sees ours; --without-gossip declares and logs nothing", async () => {
      withoutGossip = await ProtoWorkerProcess.start([
        ...["-A", TASKS, "-Q", `${prefix}-silent-q`, "-n", silent, "-l", "DEBUG", "--without-gossip", "--without-mingle"],
        ...["--broker", brokerUrl, "--backend", redisDbUrl(REDIS_DB)],
      ]);
      assert.deepEqual(await gossipQueues(broker, vhost), [], "a worker without gossip declares no gossip queue");

      gossiping = createWorker({
        broker: brokerUrl,
        backend: redisDbUrl(REDIS_DB),
        queues: [`${prefix}-ours-q`],
        hostname: ours,
        mingle: false,
        logger: createCeleryLogger({ level: "DEBUG", write: (t) => oursLog.push(t) }),
      });
      await gossiping.start();
      const [oursQueue, ...others] = await gossipQueues(broker, vhost);
      assert.equal(others.length, 0);
      assert.match(oursQueue!.name, /^celeryev\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const env: PythonEnv = { brokerUrl, resultBackend: redisDbUrl(REDIS_DB), queue: `${prefix}-py-q` };
      pythonWorker = PythonProcess.start(env, "celery", [
        "worker",
        "-P",
        "solo",
        "-c",
        "1",
        "-Q",
        `${prefix}-py-q`,
        "-n",
        python,
        "--without-mingle",
        "-l",
        "DEBUG",
      ]);
      await pythonWorker.waitFor(/Consumer: Starting Gossip/, 40_000);
      await pythonWorker.waitFor(/ready\./, 20_000);

      // The golden truth: the queue Celery's own Gossip step declared beside ours.
      const pythonQueue = (await gossipQueues(broker, vhost)).find((q) => q.name !== oursQueue!.name);
      assert.ok(pythonQueue, "the Python worker declared its gossip queue");
      assert.equal(oursQueue!.declaration, pythonQueue.declaration);
      assert.match(pythonQueue.name, /^celeryev\./);
      if (broker === "amqp") {
        assert.equal(
          oursQueue!.declaration,
          'durable=false auto_delete=true exclusive=true arguments=[{"x-expires",60000},{"x-message-ttl",5000}] bound=worker.#',
        );
      } else {
        assert.equal(oursQueue!.declaration, "routing_key=worker.# pattern=");
      }

      // Both sides see each other join: ours at DEBUG as Celery logs it, Celery's from our heartbeats.
      await poll(
        async () => oursLog.some((l) => l.includes(`DEBUG/MainProcess] ${python} joined the party`)),
        15_000,
        () => oursLog.join(""),
      );
      await pythonWorker.waitFor(new RegExp(`DEBUG/MainProcess\\] ${escapeRegExp(ours)} joined the party`), 15_000);
      // Heartbeats of the worker without gossip still go out (Celery sends them unless --without-heartbeat).
      await pythonWorker.waitFor(new RegExp(`${escapeRegExp(silent)} joined the party`), 15_000);
      await poll(
        async () => gossiping!.aliveWorkers().some((w) => w.hostname === python),
        10_000,
        () => JSON.stringify(gossiping!.aliveWorkers()),
      );
      const seen = gossiping.aliveWorkers().find((w) => w.hostname === python)!;
      assert.equal(seen.sw_ident, "py-celery");
      assert.equal(seen.freq, 2);
      assert.ok(
        gossiping.aliveWorkers().some((w) => w.hostname === silent),
        "our other worker's heartbeats are seen too",
      );
      assert.ok(!gossiping.aliveWorkers().some((w) => w.hostname === ours), "a worker does not track itself");

      // An election held by ours alone (the `election` command sent to it only): ours sees two peers alive, so it
      // decides once two acks came back, its own and the Python node's, which Celery sends only for a `worker-elect`
      // with every field (else it logs 'election request missing field'). The only candidate, ours, wins.
      const election = `${prefix}-election`;
      const broadcast = PythonProcess.start(env, "python", [
        "-c",
        `from conformance_app import app; app.control.broadcast("election", arguments={"id": "${election}", "topic": "task", "action": "conformance.add"}, destination=["${ours}"])`,
      ]);
      assert.equal(await broadcast.wait(), 0, broadcast.stderr);
      await poll(
        async () => oursLog.some((l) => l.includes(`INFO/MainProcess] I won the election '${election}'`)),
        10_000,
        () => oursLog.join(""),
      );
      assert.ok(!oursLog.some((l) => l.includes("Could not call task")), oursLog.join(""));
      assert.doesNotMatch(pythonWorker.stdout + pythonWorker.stderr, /election request missing field|Unknown election topic/);

      assert.equal(withoutGossip.count(/joined the party|\] \S+ left$|missed heartbeat/), 0, withoutGossip.log);
      // A node killed without worker-offline is dropped once its heartbeat expired (2 * freq 2 s), at the next 5 s
      // sweep: Celery and ours log it alike.
      withoutGossip.signal("SIGKILL");
      await pythonWorker.waitFor(new RegExp(`INFO/MainProcess\\] missed heartbeat from ${escapeRegExp(silent)}`), 20_000);
      await poll(
        async () => oursLog.some((l) => l.includes(`INFO/MainProcess] missed heartbeat from ${silent}`)),
        20_000,
        () => oursLog.join(""),
      );
      assert.ok(!gossiping.aliveWorkers().some((w) => w.hostname === silent));

      // A warm stop sends worker-offline: the node leaves at once (no heartbeat expiry needed).
      assert.equal(await pythonWorker.stop("SIGTERM"), 0);
      await poll(
        async () => oursLog.some((l) => l.includes(`DEBUG/MainProcess] ${python} left`)),
        10_000,
        () => oursLog.join(""),
      );
      assert.ok(!gossiping.aliveWorkers().some((w) => w.hostname === python));
      assert.ok(!oursLog.some((l) => l.includes(`missed heartbeat from ${python}`)), oursLog.join(""));

      // Stopping ours deletes its gossip queue (auto-delete on AMQP; the binding on Redis).
      await gossiping.stop();
      await poll(
        async () => (await gossipQueues(broker, vhost)).length === 0,
        10_000,
        () => "gossip queue still declared",
      );
    });
  });
}
