// RabbitMQ 4 queue rules, audited live: 4.3 refuses transient (non-durable) queues that are not exclusive (the
// deprecated feature `transient_nonexcl_queues`), and quorum queues are durable, neither exclusive nor auto-delete.
// Only RabbitMQ 3.10 runs here, so the rule is proved by listing the queues every entry point of ours declares on a
// fresh vhost while all of them are alive: a client's task queues (classic, quorum, a missing queue it creates) and
// its RPC reply queue, a `proto worker`'s queues, pidbox node queue and native delayed delivery queues
// (celery_delayed_0..27), an event receiver's queue and `proto inspect ping`'s reply queue. The worker's RPC result
// store declares no queue (it publishes to the client's reply queue). Each expected kind must be present.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import type { Client } from "../../sdk/src/client/client.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { CelerySettings } from "../../sdk/src/config/celery-settings.js";
import type { EventReceiver } from "../../sdk/src/events/event-receiver-options.js";
import { receiveEvents } from "../../sdk/src/events/receive-events.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import type { Transport } from "../../sdk/src/transport/transport.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ProtoCliProcess } from "../harness/proto-cli-process.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { createTestVhost, listVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TS_TASKS = path.join(ROOT, "conformance/ts-tasks/quorum-project-tasks.ts");
const RUNS = redisDbUrl(23);
const VHOST = "celery-proto-rabbitmq4-queue-rules";

/** A `proto <command>` other than worker/beat, run in the background (here: `proto inspect ping`). */
class ProtoCommandProcess extends ProtoCliProcess {
  static run(command: string, args: readonly string[]): ProtoCommandProcess {
    return new ProtoCommandProcess(ProtoCliProcess.launch(command, args, { CELERY_BROKER_URL: "", CELERY_RESULT_BACKEND: "" }), command);
  }
}

interface ListedQueue {
  readonly name: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly exclusive: boolean;
  readonly arguments: string;
}

async function listQueues(vhost: string): Promise<ListedQueue[]> {
  const rows = await listVhost("queues", vhost, ["name", "durable", "auto_delete", "exclusive", "arguments"]);
  return rows.map(([name, durable, autoDelete, exclusive, args]) => ({
    name: name!,
    durable: durable === "true",
    autoDelete: autoDelete === "true",
    exclusive: exclusive === "true",
    arguments: args ?? "",
  }));
}

function isQuorum(q: ListedQueue): boolean {
  return /x-queue-type.*quorum/.test(q.arguments);
}

function describeQueue(q: ListedQueue): string {
  return `${q.name} (durable=${q.durable} exclusive=${q.exclusive} auto_delete=${q.autoDelete} ${q.arguments})`;
}

/** Polls the vhost's queues until `ready` holds for them (or the time is up); returns the last listing. */
async function listUntil(vhost: string, ready: (queues: readonly ListedQueue[]) => boolean, timeoutMs: number): Promise<ListedQueue[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queues = await listQueues(vhost);
    if (ready(queues) || Date.now() > deadline) return queues;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "rabbitmq4-rules-"));
let vhost: TestVhost;

before(async () => {
  vhost = await createTestVhost(VHOST);
});

after(async () => {
  await vhost?.delete();
  rmSync(dir, { recursive: true, force: true });
  const runs = new Redis(RUNS);
  await runs.del("qp:runs");
  runs.disconnect();
});

describe("RabbitMQ 4 queue rules: every queue our entry points declare", () => {
  it("is durable or exclusive; quorum queues are durable, neither exclusive nor auto-delete", { timeout: 120_000 }, async () => {
    const settings: CelerySettings = {
      broker_url: vhost.url,
      result_backend: "rpc://",
      task_default_queue: "audit-quorum",
      task_default_queue_type: "quorum",
      task_queues: [
        { name: "audit-quorum", queue_arguments: { "x-queue-type": "quorum" } },
        { name: "audit-classic", queue_arguments: { "x-queue-type": "classic" } },
      ],
    };
    const configFile = path.join(dir, "audit.json");
    writeFileSync(configFile, JSON.stringify(settings, null, 2));

    let client: Client | undefined;
    let eventTransport: Transport | undefined;
    let receiver: EventReceiver | undefined;
    let worker: ProtoWorkerProcess | undefined;
    let inspect: ProtoCommandProcess | undefined;
    try {
      const started = await Promise.allSettled([
        ProtoWorkerProcess.start(["-A", TS_TASKS, "--config", configFile, "-l", "info", "-n", "audit@%h"], {
          QP_RESULT_BACKEND: RUNS,
          CELERY_BROKER_URL: "",
          CELERY_RESULT_BACKEND: "",
        }),
        createClient({ config: settings }),
        createTransport(vhost.url),
      ]);
      if (started[0].status === "fulfilled") worker = started[0].value;
      if (started[1].status === "fulfilled") client = started[1].value;
      if (started[2].status === "fulfilled") eventTransport = started[2].value;
      const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed !== undefined) throw failed.reason;

      receiver = await receiveEvents(eventTransport!, () => {}, { wakeup: false });
      // sendTask declares the destination queue and, first, the RPC backend's reply queue.
      await client!.sendTask("quorum_project.tasks.stamp", ["default"], {}, {});
      await client!.sendTask("quorum_project.tasks.stamp", ["classic"], {}, { queue: "audit-classic" });
      await client!.sendTask("quorum_project.tasks.stamp", ["missing"], {}, { queue: "audit-missing" });
      inspect = ProtoCommandProcess.run("inspect", ["ping", "--timeout", "5", "--config", configFile]);

      const isInspectReply = (q: ListedQueue): boolean => q.name.endsWith(".reply.celery.pidbox");
      const queues = await listUntil(vhost.name, (qs) => qs.some(isInspectReply), 30_000);
      const names = queues.map((q) => q.name);

      // Each kind is present, so the rule below is not checked on nothing.
      const expected: Record<string, (q: ListedQueue) => boolean> = {
        "client/worker default task queue (quorum)": (q) => q.name === "audit-quorum" && isQuorum(q),
        "client/worker classic task queue": (q) => q.name === "audit-classic" && !isQuorum(q),
        "client's missing queue": (q) => q.name === "audit-missing",
        "client's RPC reply queue": (q) => /^[0-9a-f-]{36}$/.test(q.name),
        "worker's pidbox node queue": (q) => /^audit@.+\.celery\.pidbox$/.test(q.name),
        "event receiver queue": (q) => /^celeryev\.[0-9a-f-]{36}$/.test(q.name),
        "inspect reply queue": isInspectReply,
      };
      for (let level = 0; level <= 27; level++) expected[`celery_delayed_${level}`] = (q) => q.name === `celery_delayed_${level}`;
      const missing = Object.entries(expected)
        .filter(([, matches]) => !queues.some(matches))
        .map(([kind]) => kind);
      assert.deepEqual(missing, [], `missing kinds; the vhost holds: ${names.join(", ")}`);

      const transientShared = queues.filter((q) => !q.durable && !q.exclusive).map(describeQueue);
      assert.deepEqual(transientShared, [], "transient non-exclusive queues (RabbitMQ 4.3 refuses them: transient_nonexcl_queues)");
      const badQuorum = queues.filter((q) => isQuorum(q) && (!q.durable || q.exclusive || q.autoDelete)).map(describeQueue);
      assert.deepEqual(badQuorum, [], "quorum queues must be durable, neither exclusive nor auto-delete");
      assert.ok(queues.filter(isQuorum).length >= 1, "a quorum queue is among them");

      const result = await inspect.exited;
      assert.equal(result.code, 0, inspect.log);
      assert.match(inspect.log, /audit@\S+: OK/);
    } finally {
      await Promise.allSettled([
        inspect?.stop(),
        worker?.stop(),
        receiver?.stop().then(() => eventTransport?.close()) ?? eventTransport?.close(),
        client?.close(),
      ]);
    }
  });
});
