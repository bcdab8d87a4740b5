// The built `proto worker --metrics-port` whose broker connections are dropped by the broker (Redis `CLIENT KILL` of
// the connections named by its client_name transport option; RabbitMQ `rabbitmqctl close_connection` of the
// connections that appeared in the vhost when it started): broker:disconnected then broker:reconnected reach the
// task module's setupWorker listeners, celery_proto_broker_reconnects_total goes from 0 to at least 1, and the worker
// still runs a task from our client. Redis db 1 (shared with the other worker-event files) is flushed first.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createClient } from "../../sdk/src/client/create-client.js";
import { AMQP_URL, type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { freePort } from "../harness/free-port.js";
import { parsePrometheusExposition, sampleValue } from "../harness/parse-prometheus-exposition.js";
import { poll } from "../harness/poll.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { rabbitmqctl } from "../harness/rabbitmq-vhost.js";
import { RawAmqpPublisher } from "../harness/raw-publisher.js";

const DB = 1;
const MODULE = "conformance/ts-tasks/setup-worker-tasks.ts";
const VHOST = decodeURIComponent(new URL(AMQP_URL).pathname.slice(1));

/** The AMQP connections now open in this suite's vhost, by `pid` (what `close_connection` takes). */
async function vhostConnections(): Promise<Set<string>> {
  const out = await rabbitmqctl(["list_connections", "--no-table-headers", "vhost", "pid"]);
  const rows = out
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t"));
  return new Set(rows.filter(([vhost]) => vhost === VHOST).map(([, name]) => name as string));
}

/** `CLIENT KILL` every connection named `name`; returns how many there were. */
async function killRedisClients(name: string): Promise<number> {
  const redis = new Redis(redisDbUrl(DB));
  try {
    const list = String(await redis.call("CLIENT", "LIST"));
    const ids = list
      .split("\n")
      .map((line) => Object.fromEntries(line.split(" ").map((kv) => kv.split("=", 2) as [string, string])))
      .filter((c) => c["name"] === name)
      .map((c) => c["id"] as string);
    for (const id of ids) await redis.call("CLIENT", "KILL", "ID", id);
    return ids.length;
  } finally {
    redis.disconnect();
  }
}

describe("proto worker: a broker connection dropped and re-established", { timeout: 180_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "broker-reconnect-"));

  before(async () => {
    ensureBuilt();
    const redis = new Redis(redisDbUrl(DB));
    await redis.flushdb();
    redis.disconnect();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const broker of ["redis", "amqp"] as BrokerKind[]) {
    it(`${broker}: broker:disconnected and broker:reconnected fire, celery_proto_broker_reconnects_total >= 1, a task still runs`, async () => {
      const name = `t-reconnect-${process.pid}-${broker}`;
      const queue = name;
      const brokerUrl = broker === "redis" ? redisDbUrl(DB) : AMQP_URL;
      const file = path.join(dir, `${broker}.jsonl`);
      const events = (): string[] =>
        existsSync(file)
          ? readFileSync(file, "utf8")
              .trim()
              .split("\n")
              .filter((l) => l !== "")
              .map((l) => (JSON.parse(l) as { event: string }).event)
          : [];
      const port = await freePort();
      const metric = async (metricName: string): Promise<number> => {
        const families = parsePrometheusExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
        return sampleValue(families, metricName, { hostname: "reconnect-host" });
      };
      const reconnects = () => metric("celery_proto_broker_reconnects_total");
      const before = broker === "amqp" ? await vhostConnections() : new Set<string>();
      const worker = await ProtoWorkerProcess.startBuilt(
        [
          ...["-A", MODULE, "-b", brokerUrl, "--backend", redisDbUrl(DB), "-Q", queue, "-n", `${name}@reconnect-host`, "-l", "info"],
          ...["--without-mingle", "--without-heartbeat", "--metrics-port", String(port)],
          ...(broker === "redis" ? ["--broker-transport-options", JSON.stringify({ client_name: name })] : []),
        ],
        { SETUP_WORKER_EVENTS: file, CELERY_PROTO_CONFIG: "" },
      );
      try {
        assert.deepEqual([await reconnects(), await metric("celery_proto_broker_connected")], [0, 1]);
        if (broker === "redis") assert.ok((await killRedisClients(name)) >= 1, "the worker's named connections are in CLIENT LIST");
        else {
          const opened = [...(await vhostConnections())].filter((c) => !before.has(c));
          assert.ok(opened.length >= 1, "the worker's connections are in the vhost");
          for (const connection of opened) await rabbitmqctl(["close_connection", connection, "closed by worker-broker-reconnect.test.ts"]);
        }
        await poll(
          async () => (await reconnects()) >= 1,
          30_000,
          () => `celery_proto_broker_reconnects_total stayed 0; events ${events().join(", ")}\n${worker.log}`,
        );
        assert.equal(await metric("celery_proto_broker_connected"), 1);
        const seen = events();
        const lost = seen.indexOf("broker:disconnected");
        assert.ok(lost >= 0 && seen.indexOf("broker:reconnected") > lost, seen.join(", "));

        const client = await createClient({ broker: brokerUrl, backend: redisDbUrl(DB), defaultQueue: queue });
        try {
          assert.equal(await (await client.enqueue("setuphook.add", [20, 22])).get({ timeoutMs: 30_000 }), 42);
        } finally {
          await client.close();
        }
      } finally {
        await worker.stop();
      }
      assert.equal((await worker.exited).code, 0, worker.log);
      if (broker === "amqp") {
        const raw = await RawAmqpPublisher.connect(AMQP_URL);
        await raw.channel.deleteQueue(queue).catch(() => undefined);
        await raw.close();
      }
    });
  }
});
