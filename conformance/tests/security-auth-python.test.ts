// Message signing (Celery's `auth` serializer) against REAL Celery 5.7 with `app.setup_security()`, on Redis and
// RabbitMQ, both
// directions with one TS worker and one Python worker for every assertion: Python-signed tasks run on our worker and
// ours on Python's; unsigned, tampered and untrusted-signer messages are refused on both sides (ours: the refusal's
// code and log line; Python's: its log) and never run. Keys and certificates: conformance/fixtures/security-test-only.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { envelopeFromPublish } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import type { CelerySettings } from "../../sdk/src/config/celery-settings.js";
import { inspect } from "../../sdk/src/control/inspect.js";
import { loadControlSerialization } from "../../sdk/src/control/load-control-serialization.js";
import { loadMessageSigner } from "../../sdk/src/security/message-signing.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import { createWorker } from "../../worker/src/create-worker.js";
import type { MessageRefusedEvent } from "../../worker/src/lifecycle/worker-event-map.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import type { AmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { AMQP_URL, BROKERS, type BrokerKind, redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { RawAmqpPublisher, RawRedisPublisher } from "../harness/raw-publisher.js";
import { runCelery } from "./worker-control-python.js";
import { AUTH_SETTINGS, type AuthClientCommand, type AuthClientOutput, runAuthClient, SECURITY_FIXTURES } from "../harness/auth-client.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = SECURITY_FIXTURES;
const BACKEND = redisDbUrl(3);

const AUTH = AUTH_SETTINGS;
/** A signer whose certificate is not in the store. */
const UNTRUSTED: CelerySettings = {
  ...AUTH,
  security_key: path.join(FIXTURES, "untrusted-key.pem"),
  security_certificate: path.join(FIXTURES, "untrusted-cert.pem"),
};

/** Puts a message on a queue as it is, bypassing the client: the way to deliver a tampered or foreign-signed one. */
interface RawSender {
  send(queue: string, publish: AmqpPublish): Promise<void>;
  close(): Promise<void>;
}

async function connectRawSender(broker: BrokerKind, url: string): Promise<RawSender> {
  if (broker === "redis") {
    const redis = new RawRedisPublisher(url);
    return { send: (queue, publish) => redis.lpush(queue, envelopeFromPublish(publish)), close: () => redis.close() };
  }
  const amqp = await RawAmqpPublisher.connect(url);
  return { send: (queue, publish) => amqp.publish({ ...publish, exchange: "", routingKey: queue }), close: () => amqp.close() };
}

for (const broker of BROKERS) {
  describe(`auth (message signing) with Python Celery 5.7 (${broker})`, { timeout: 120_000 }, () => {
    const BROKER = broker === "redis" ? redisDbUrl(2) : AMQP_URL;
    const tsQueue = `t-auth-ts-${broker}-${process.pid}`;
    const pyQueue = `t-auth-py-${broker}-${process.pid}`;
    const pyNode = `t-auth-py-${process.pid}@${os.hostname()}`;
    const lines: string[] = [];
    const refusals: MessageRefusedEvent[] = [];
    let worker: Worker;
    let python: PythonWorker;
    let client: Client;
    let raw: RawSender;

    before(async () => {
      worker = createWorker({
        broker: BROKER,
        backend: BACKEND,
        queues: [tsQueue],
        config: AUTH,
        concurrency: 2,
        hostname: `t-auth-${process.pid}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
      });
      worker.on("message:refused", (event) => refusals.push(event));
      await loadTaskModule("conformance/ts-tasks/conformance-tasks.ts", worker.registry);
      [python] = await Promise.all([
        PythonWorker.start({
          brokerUrl: BROKER,
          resultBackend: BACKEND,
          queue: pyQueue,
          nodeName: pyNode,
          extraEnv: { CONFORMANCE_AUTH: "1" },
        }),
        worker.start(),
      ]);
      client = await createClient({ broker: BROKER, backend: BACKEND, config: AUTH });
      raw = await connectRawSender(broker, BROKER);
    });

    after(async () => {
      await Promise.allSettled([worker?.stop(), python?.stop(), client?.close(), raw?.close()]);
    });

    const refusalOf = (id: string): Promise<MessageRefusedEvent> => waitFor(() => refusals.find((r) => r.taskId === id), `our worker's refusal of ${id}`);

    it("Python-signed tasks run on our worker; Python's unsigned task is refused as ContentDisallowed and never runs", async () => {
      const out = await runPythonClient({
        queue: tsQueue,
        timeout: 20,
        signed: [
          [2, 3],
          [40, 2],
        ],
        unsigned: [[7, 7]],
      });
      assert.deepEqual(
        out.signed.map((r) => r.value),
        [5, 42],
      );
      const [unsigned] = out.unsigned;
      assert.ok(unsigned !== undefined);
      const refusal = await refusalOf(unsigned);
      assert.equal(refusal.code, "ContentDisallowed");
      assert.equal(refusal.kind, "invalid-task");
      assert.equal(refusal.acked, false, "Celery rejects a refused content type (reject, requeue=False)");
      assert.ok(
        lines.some((l) => l.includes("Received invalid task message") && l.includes("ContentDisallowed")),
        lines.join(""),
      );
      assert.equal(await client.result(unsigned).state(), "PENDING");
    });

    it("a tampered Python-signed message is refused as InvalidSignature and an untrusted signer's as UntrustedSigner: logged critical, acked, never run", async () => {
      const tamperedId = randomUUID();
      await raw.send(tsQueue, tamperGoldenVector(tsQueue, tamperedId));
      const untrustedId = randomUUID();
      await raw.send(tsQueue, signedPublish(tsQueue, untrustedId, UNTRUSTED, [1, 1]));
      const tampered = await refusalOf(tamperedId);
      const untrusted = await refusalOf(untrustedId);
      assert.equal(tampered.code, "InvalidSignature");
      assert.equal(untrusted.code, "UntrustedSigner");
      assert.match(untrusted.reason, /celery-proto test only untrusted signer 7/);
      for (const refusal of [tampered, untrusted]) {
        assert.equal(refusal.kind, "decode-error");
        assert.equal(refusal.acked, true, "Celery acks what it cannot decode (its SecurityError is a DecodeError)");
      }
      assert.equal(lines.filter((l) => l.includes("CRITICAL") && l.includes("Can't decode message body")).length, 2, lines.join(""));
      assert.deepEqual(await Promise.all([tamperedId, untrustedId].map((id) => client.result(id).state())), ["PENDING", "PENDING"]);
      // The worker goes on: our own signed task runs on it.
      assert.equal(await (await client.enqueue("conformance.add", [1, 2], {}, { queue: tsQueue })).get({ timeoutMs: 15_000 }), 3);
    });

    it("our signed tasks run on a Python worker; Python refuses our tampered, unsigned and untrusted-signed messages (its log) and runs none", async () => {
      assert.equal(await (await client.enqueue("conformance.add", [20, 22], {}, { queue: pyQueue })).get({ timeoutMs: 20_000 }), 42);
      const unsigned = (await client.enqueue("conformance.add", [7, 7], {}, { queue: pyQueue, serializer: "json" })).id;
      const tamperedId = randomUUID();
      await raw.send(
        pyQueue,
        signedPublish(pyQueue, tamperedId, AUTH, [1, 1], (body) => body.replace("[[1, 1]", "[[1, 9]")),
      );
      const untrustedId = randomUUID();
      await raw.send(pyQueue, signedPublish(pyQueue, untrustedId, UNTRUSTED, [1, 1]));
      await waitFor(() => python.log.includes(untrustedId) || undefined, `the Python worker's log line about ${untrustedId}`);
      const log = python.log;
      assert.match(log, /Received invalid task message: Refusing to deserialize untrusted content of type json/);
      assert.match(log, new RegExp(`CRITICAL/MainProcess\\] Can't decode message body: DecodeError\\(SecurityError\\(.*'id': '${tamperedId}'`));
      assert.match(log, new RegExp(`Can't decode message body: .*Unknown certificate: .*untrusted signer 7.*'id': '${untrustedId}'`));
      assert.doesNotMatch(log, /Task conformance\.add\[[^\]]+\] succeeded in [^:]+: (14|2|10)\n/);
      assert.deepEqual(await Promise.all([unsigned, tamperedId, untrustedId].map((id) => client.result(id).state())), ["PENDING", "PENDING", "PENDING"]);
    });

    it("remote control is signed as Celery's mailbox signs it: Python's signed `inspect ping` is answered by our worker (signed) and ours by Python's; unsigned requests are refused on both sides", async () => {
      const ours = `t-auth-${process.pid}@${os.hostname()}`;
      const signedPing = await runCelery({ brokerUrl: BROKER, resultBackend: BACKEND }, ["inspect", "ping", "-d", ours, "--json", "-t", "5"], ".venv", {
        CONFORMANCE_AUTH: "1",
      });
      assert.equal(signedPing.code, 0, `${signedPing.stdout}\n${signedPing.stderr}\n${lines.join("")}`);
      assert.deepEqual(JSON.parse(signedPing.stdout.trim().split("\n").at(-1) ?? "{}"), { [ours]: { ok: "pong" } });

      const transport = await createTransport(BROKER);
      try {
        const signing = await loadControlSerialization({ ...AUTH, task_serializer: "auth", accept_content: ["auth"] });
        assert.deepEqual(await inspect(transport, "ping", {}, { ...signing, destination: [pyNode], timeoutMs: 5000 }), [{ [pyNode]: { ok: "pong" } }]);
        // Unsigned (json) requests: neither worker answers, and ours says why.
        const before = lines.length;
        assert.deepEqual(await inspect(transport, "ping", {}, { destination: [ours, pyNode], timeoutMs: 1500 }), []);
        await waitFor(
          () =>
            lines
              .slice(before)
              .find((l) =>
                /CRITICAL\/MainProcess\] Can't decode message body: .*refusing to deserialize content of type application\/json.*\n\nbody: b'\{"method": "ping"/.test(
                  l,
                ),
              ),
          "our worker's refusal of the unsigned request",
        );
        await waitFor(
          () => python.log.includes("ContentDisallowed('Refusing to deserialize untrusted content of type json") || undefined,
          "Python's refusal of the unsigned request",
        );
        assert.match(
          python.log,
          /CRITICAL\/MainProcess\] Can't decode message body: ContentDisallowed\('Refusing to deserialize untrusted content of type json \(application\/json\)'\).*\n\nbody: b?'\{"method": "ping"/,
        );
      } finally {
        await transport.close();
      }
    });

    it("mingle under auth: our worker's signed hello is answered by the Python worker and by ours", async () => {
      const log: string[] = [];
      const second = createWorker({
        broker: BROKER,
        backend: BACKEND,
        queues: [`${tsQueue}-mingle`],
        config: AUTH,
        hostname: `t-auth-mingle-${process.pid}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => log.push(t) }),
        mingle: true,
        heartbeat: false,
      });
      await second.start();
      await second.stop();
      assert.ok(
        log.some((l) => l.includes("mingle: sync with 2 nodes")),
        log.join(""),
      );
    });

    /** conformance/python/reference/auth_client.py on this broker. */
    function runPythonClient(command: AuthClientCommand): Promise<AuthClientOutput> {
      return runAuthClient(".venv", BROKER, BACKEND, command);
    }
  });
}

/** Resolves with what `find` returns once it is not undefined; throws after 20 s naming what it waited for. */
async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `conformance.add(args)` signed with `settings`' key, for `queue`; `tamper` edits the signed body text. */
function signedPublish(queue: string, id: string, settings: CelerySettings, args: readonly number[], tamper?: (body: string) => string): AmqpPublish {
  const signer = loadMessageSigner(settings);
  const message = createTaskMessage({ task: "conformance.add", args, id });
  const publish = encodeAmqpPublish(message, { routingKey: queue }, { serializer: "auth", signer });
  if (tamper === undefined) return publish;
  const fields = Buffer.from(Buffer.from(publish.body).toString("latin1"), "base64").toString("latin1");
  const tampered = Buffer.from(Buffer.from(tamper(fields), "latin1").toString("base64"));
  assert.notEqual(tampered.toString(), Buffer.from(publish.body).toString(), "the tamper edit changed nothing");
  return { ...publish, body: tampered };
}

/**
 * The golden vector Celery 5.7 signed (captured on Redis: the envelope's body is the signed body in base64), as a
 * publish to `queue` under a new id, its signed args changed from (2, 3) to (2, 4).
 */
function tamperGoldenVector(queue: string, id: string): AmqpPublish {
  const vector = JSON.parse(readFileSync(path.join(ROOT, "conformance/vectors-auth/5.7.0/redis-signed-task-sha256.json"), "utf8")) as { envelope: string };
  const envelope = JSON.parse(vector.envelope) as {
    body: string;
    "content-type": string;
    "content-encoding": string;
    headers: Record<string, unknown>;
    properties: { priority?: number; delivery_mode?: number };
  };
  const fields = Buffer.from(Buffer.from(envelope.body, "base64").toString("latin1"), "base64").toString("latin1");
  assert.ok(fields.includes("[[2, 3]"), "the vector's signed body holds the args (2, 3)");
  const tampered = Buffer.from(Buffer.from(fields.replace("[[2, 3]", "[[2, 4]"), "latin1").toString("base64"));
  return {
    exchange: "",
    routingKey: queue,
    body: tampered,
    properties: {
      content_type: envelope["content-type"],
      content_encoding: envelope["content-encoding"],
      correlation_id: id,
      reply_to: "",
      delivery_mode: envelope.properties.delivery_mode ?? 2,
      priority: envelope.properties.priority ?? 0,
      headers: { ...envelope.headers, id, root_id: id },
    },
  };
}
