// Celery 5.7's DelayedDelivery bootstep, ours against Celery's on real RabbitMQ: the same quorum app (quorum default
// queue type, a topic default exchange; task_queues: a topic queue, a queue with bindings (and a delivery limit), a classic queue on a
// direct exchange) started by a real Celery 5.7 worker on one fresh vhost and by our worker on another leaves the
// same exchanges, queues and bindings on each (kombu's 28-level topology, the consumed queues bound to the delivery
// exchange, the direct exchange skipped). Only names made of the worker's node name are normalised. Then: starting our
// worker again changes nothing, and after RabbitMQ closes its connection the transport replays the topology and the
// bindings (some deleted broker-side meanwhile come back).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import amqplib from "amqplib";
import type { CeleryConfigInput } from "../../sdk/src/config/celery-config.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { PythonWorker } from "../harness/python-worker.js";
import { createTestVhost, listVhost, rabbitmqctl, type TestVhost } from "../harness/rabbitmq-vhost.js";

const QUEUES = ["work", "multi", "plain"];
const CELERY_NODE = `ndd-celery-${process.pid}`;
const OUR_NODE = `ndd-ours-${process.pid}`;
const HOST = os.hostname();

/** The app, as Celery's Python configuration. */
const PYTHON_APP = `
import os
from celery import Celery
from kombu import Exchange, Queue, binding

app = Celery("ndd_topology", broker=os.environ["CONFORMANCE_BROKER_URL"])
app.conf.update(
    task_default_queue_type="quorum",
    task_default_exchange="tasks",
    task_default_exchange_type="topic",
    task_default_queue="work",
    task_queues=[
        Queue("work", Exchange("tasks", type="topic"), routing_key="work.#", queue_arguments={"x-queue-type": "quorum"}),
        Queue(
            "multi",
            bindings=[binding(Exchange("other", type="topic"), routing_key="multi.x"), binding(Exchange("fan", type="fanout"))],
            queue_arguments={"x-queue-type": "quorum", "x-delivery-limit": 5},
        ),
        Queue("plain", Exchange("plain", type="direct"), routing_key="plain"),
    ],
)
`;

/** The same app, as our configuration. */
const OUR_APP = {
  task_default_queue_type: "quorum",
  task_default_exchange: "tasks",
  task_default_exchange_type: "topic",
  task_default_queue: "work",
  task_queues: [
    { name: "work", exchange: { name: "tasks", type: "topic" }, routing_key: "work.#", queue_arguments: { "x-queue-type": "quorum" } },
    {
      name: "multi",
      bindings: [{ exchange: { name: "other", type: "topic" }, routing_key: "multi.x" }, { exchange: { name: "fan", type: "fanout" } }],
      queue_arguments: { "x-queue-type": "quorum", "x-delivery-limit": 5 },
    },
    { name: "plain", exchange: { name: "plain", type: "direct" }, routing_key: "plain" },
  ],
} as const satisfies CeleryConfigInput;

interface Listing {
  readonly exchanges: string[];
  readonly queues: string[];
  readonly bindings: string[];
}

/** Both workers' node names become `<node>` (the pidbox queue `<node>.celery.pidbox` and its bindings). */
function normalise(text: string): string {
  return text.replaceAll(`${CELERY_NODE}@${HOST}`, "<node>").replaceAll(`${OUR_NODE}@${HOST}`, "<node>");
}

async function list(vhost: TestVhost): Promise<Listing> {
  const rows = async (what: "exchanges" | "queues" | "bindings", columns: string[]): Promise<string[]> =>
    (await listVhost(what, vhost.name, columns)).map((r) => normalise(r.join("\t"))).sort();
  return {
    exchanges: await rows("exchanges", ["name", "type", "durable", "auto_delete", "internal", "arguments"]),
    queues: await rows("queues", ["name", "durable", "auto_delete", "exclusive", "arguments"]),
    bindings: await rows("bindings", ["source_name", "source_kind", "destination_name", "destination_kind", "routing_key", "arguments"]),
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The last of the step's bindings is in place (the `multi` queue through the fanout exchange). */
async function delayedDeliveryBound(vhost: TestVhost): Promise<boolean> {
  const bindings = await listVhost("bindings", vhost.name, ["source_name", "destination_name", "routing_key"]);
  return bindings.some(([source, destination, key]) => source === "fan" && destination === "multi" && key === "#.");
}

describe("DelayedDelivery: our worker's topology equals Celery 5.7's", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ndd-topology-"));
  const logLines: string[] = [];
  let celeryVhost: TestVhost;
  let ourVhost: TestVhost;
  let python: PythonWorker | null = null;
  let ours: Worker | null = null;

  const startOurs = async (): Promise<Worker> => {
    const worker = createWorker({
      broker: ourVhost.url,
      backend: null,
      config: OUR_APP,
      queues: QUEUES,
      hostname: `${OUR_NODE}@${HOST}`,
      concurrency: 1,
      mingle: false,
      // The Python worker runs --without-gossip (its harness): no gossip queue on either side.
      gossip: false,
      logger: createCeleryLogger({ level: "DEBUG", write: (text) => logLines.push(text) }),
    });
    await worker.start();
    return worker;
  };

  before(async () => {
    writeFileSync(path.join(dir, "ndd_topology.py"), PYTHON_APP);
    celeryVhost = await createTestVhost(`ndd-topology-celery-${process.pid}`);
    ourVhost = await createTestVhost(`ndd-topology-ours-${process.pid}`);
  });

  after(async () => {
    await python?.stop();
    await ours?.stop();
    await celeryVhost?.delete().catch(() => undefined);
    await ourVhost?.delete().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the same exchanges, queues and bindings after each worker starts", async () => {
    python = await PythonWorker.start({
      brokerUrl: celeryVhost.url,
      resultBackend: "disabled://",
      queue: QUEUES.join(","),
      app: "ndd_topology",
      pythonPath: dir,
      nodeName: `${CELERY_NODE}@%h`,
      extraArgs: ["-l", "DEBUG"],
    });
    await waitFor(() => delayedDeliveryBound(celeryVhost), 20_000, "Celery's DelayedDelivery bindings");
    ours = await startOurs();
    await waitFor(() => delayedDeliveryBound(ourVhost), 20_000, "our DelayedDelivery bindings");

    const celery = await list(celeryVhost);
    const our = await list(ourVhost);
    // What Celery logged and we log alike.
    assert.match(python.log, /Global QoS is disabled\. Prefetch count is now static\./);
    assert.match(python.log, /Exchange plain is a direct exchange and native delayed delivery do not support direct exchanges\./);
    assert.ok(logLines.some((l) => l.includes("INFO/MainProcess] Global QoS is disabled. Prefetch count is now static.")));
    assert.ok(
      logLines.some((l) => l.includes("WARNING/MainProcess] Exchange plain is a direct exchange and native delayed delivery do not support direct exchanges.")),
    );

    // The step's own lines (Celery's at DEBUG and WARNING), the same apart from the vhost in the URL.
    const stepLines = (log: string, vhost: TestVhost): string[] =>
      log
        .split("\n")
        .filter((l) => /Setting up delayed delivery|Binding queue|is a direct exchange|Retrying delayed delivery|Failed to/.test(l))
        .map((l) => l.replace(/^\[[^\]]*\] /, "").replaceAll(vhost.name, "<vhost>"));
    const celerySteps = stepLines(python.log, celeryVhost);
    assert.equal(celerySteps.length, 5, python.log);
    assert.deepEqual(stepLines(logLines.join(""), ourVhost), celerySteps);

    assert.deepEqual(our.exchanges, celery.exchanges);
    assert.deepEqual(our.queues, celery.queues);
    assert.deepEqual(our.bindings, celery.bindings);
    // The QoS: per-consumer prefetch on the task consumer (RabbitMQ 3.10 with a quorum queue in the table), no global
    // prefetch on any channel; the pidbox consumer needs no acks.
    const rows = async (args: string[]): Promise<string[]> =>
      (await rabbitmqctl([...args, "--no-table-headers"]))
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map(normalise)
        .sort();
    const consumers = (vhost: TestVhost): Promise<string[]> => rows(["list_consumers", "-p", vhost.name, "queue_name", "ack_required", "prefetch_count"]);
    /** Channels of the vhost with a global prefetch set. */
    const globalPrefetch = async (vhost: TestVhost): Promise<string[]> =>
      (await rows(["list_channels", "vhost", "global_prefetch_count"])).filter((l) => l.startsWith(`${vhost.name}\t`) && l !== `${vhost.name}\t0`);
    assert.deepEqual(await consumers(ourVhost), await consumers(celeryVhost));
    assert.deepEqual(await consumers(ourVhost), ["<node>.celery.pidbox\tfalse\t0", "multi\ttrue\t4", "plain\ttrue\t4", "work\ttrue\t4"]);
    assert.deepEqual(await globalPrefetch(ourVhost), []);
    assert.deepEqual(await globalPrefetch(celeryVhost), []);

    // What the comparison covers: the 28 levels, each consumed queue's delivery binding, no binding for `plain`.
    assert.equal(our.queues.filter((q) => q.startsWith("celery_delayed_")).length, 28);
    assert.ok(our.bindings.some((b) => b.startsWith("celery_delayed_delivery\texchange\ttasks\texchange\t#.work.#\t")));
    assert.ok(our.bindings.some((b) => b.startsWith("celery_delayed_delivery\texchange\tother\texchange\t#.multi.x\t")));
    assert.ok(!our.bindings.some((b) => b.includes("\tplain\texchange\t")));
  });

  it("starting our worker again changes nothing (idempotent declarations)", async () => {
    const before_ = await list(ourVhost);
    await ours?.stop();
    ours = await startOurs();
    await waitFor(() => delayedDeliveryBound(ourVhost), 20_000, "our DelayedDelivery bindings");
    const again = await list(ourVhost);
    assert.deepEqual(again, before_);
    assert.ok(!logLines.some((l) => /Failed to setup delayed delivery|Failed to declare|Failed to bind/.test(l)), logLines.join(""));
  });

  it("after RabbitMQ closes the connection, the transport re-declares the topology and the bindings", async () => {
    const expected = await list(ourVhost);
    // Take a part of it away broker-side, then drop the worker's connection: the reconnect must put it back.
    const connection = await amqplib.connect(ourVhost.url);
    try {
      const channel = await connection.createChannel();
      await channel.unbindExchange("tasks", "celery_delayed_delivery", "#.work.#");
      await channel.unbindQueue("work", "tasks", "#.work.#");
      await channel.unbindExchange("celery_delayed_4", "celery_delayed_5", `${"*.".repeat(22)}0.#`);
      await channel.deleteQueue("celery_delayed_3");
      await channel.close();
    } finally {
      await connection.close();
    }
    assert.notDeepEqual(await list(ourVhost), expected);
    await rabbitmqctl(["close_all_connections", "-p", ourVhost.name, "test: reconnect"]);
    await waitFor(async () => JSON.stringify(await list(ourVhost)) === JSON.stringify(expected), 20_000, "the replayed topology");
    assert.ok(logLines.some((l) => l.includes("Connection to broker lost")));
  });
});
