// TLS against the real brokers' TLS listeners (scripts/setup/brokers.sh: Redis `tls-port`, RabbitMQ with mutual TLS),
// with Celery's settings as a project writes them (`broker_use_ssl`, `redis_backend_use_ssl`, `rediss://...?ssl_*`):
// - a Python Celery 5.7 worker over TLS runs what our client sends over TLS, its result read back over the TLS backend;
// - our worker (`proto worker --config`) over TLS runs what Python Celery sends over TLS;
// - a wrong CA, a host name the certificate was not issued for, a missing or untrusted client certificate are refused
//   at once, with a typed error naming the masked URL, the TLS reason and the option that fixes it.
// One Python worker per broker, and ours: `proto worker --config` (built) on RabbitMQ, an in-process worker with the
// same settings on Redis; all started together and shared by the cases.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { createClient } from "../../sdk/src/client/create-client.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { register } from "../ts-tasks/tls-tasks.js";
import { AMQPS_URL, type BrokerKind, REDIS_TLS_URL, TLS_DIR } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TS_TASKS = path.join(ROOT, "conformance/ts-tasks/tls-tasks.ts");
const run = promisify(execFile);
const pem = (name: string): string => path.join(TLS_DIR, name);
const DB = 17;
const unique = `${process.pid}-${Date.now()}`;

/** The Redis broker as a URL with its ssl options in the query (kombu's form). */
const REDIS_BROKER = `${REDIS_TLS_URL}/${DB}?ssl_cert_reqs=required&ssl_ca_certs=${encodeURIComponent(pem("ca.pem"))}`;
/** The result backend over TLS, its options in `redis_backend_use_ssl` (with a client certificate: mutual TLS). */
const BACKEND = `${REDIS_TLS_URL}/${DB}`;
const BACKEND_USE_SSL = { ssl_cert_reqs: "CERT_REQUIRED", ssl_ca_certs: pem("ca.pem"), ssl_certfile: pem("client.pem"), ssl_keyfile: pem("client.key") };
/** RabbitMQ's TLS listener requires a client certificate of the test CA: py-amqp's ssl option names. */
const AMQP_USE_SSL = { ca_certs: pem("ca.pem"), certfile: pem("client.pem"), keyfile: pem("client.key"), cert_reqs: "CERT_REQUIRED" };

interface Side {
  readonly broker: string;
  readonly brokerUseSsl: Readonly<Record<string, unknown>> | null;
  /** Queues: one the Python worker consumes, one ours consumes. */
  readonly pythonQueue: string;
  readonly protoQueue: string;
}

const SIDES: Readonly<Record<BrokerKind, Side>> = {
  redis: { broker: REDIS_BROKER, brokerUseSsl: null, pythonQueue: `tls-py-redis-${unique}`, protoQueue: `tls-ts-redis-${unique}` },
  amqp: { broker: AMQPS_URL, brokerUseSsl: AMQP_USE_SSL, pythonQueue: `tls-py-amqp-${unique}`, protoQueue: `tls-ts-amqp-${unique}` },
};

/** The project's settings, by Celery's names: what `proto` reads from its --config file and the client takes. */
function settings(side: Side, queue: string): Record<string, unknown> {
  return {
    broker_url: side.broker,
    result_backend: BACKEND,
    // As a Python project's config import writes ssl.CERT_REQUIRED: its value.
    redis_backend_use_ssl: { ...BACKEND_USE_SSL, ssl_cert_reqs: 2 },
    task_default_queue: queue,
    ...(side.brokerUseSsl === null ? {} : { broker_use_ssl: side.brokerUseSsl }),
  };
}

/** tls_project's environment (conformance/python/tls_project/celery.py) for one side and queue. */
function pythonEnv(side: Side, queue: string): Record<string, string> {
  return {
    TLS_BROKER_URL: side.broker,
    TLS_RESULT_BACKEND: BACKEND,
    TLS_BACKEND_USE_SSL: JSON.stringify(BACKEND_USE_SSL),
    TLS_QUEUE: queue,
    ...(side.brokerUseSsl === null ? {} : { TLS_BROKER_USE_SSL: JSON.stringify(side.brokerUseSsl) }),
  };
}

/** `python -m tls_project.call x y`: Python Celery sends tls.add over TLS and reads its result over the TLS backend. */
async function pythonCall(side: Side, x: number, y: number): Promise<unknown> {
  const { stdout } = await run(path.join(ROOT, ".venv/bin/python"), ["-m", "tls_project.call", String(x), String(y), "30"], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python"), ...pythonEnv(side, side.protoQueue) },
    timeout: 60_000,
  });
  return (JSON.parse(stdout.trim().split("\n").at(-1) ?? "null") as { value: unknown }).value;
}

/** Connects (or fails to) with a `broker_use_ssl`, returning the refusal; fails the test if it connects. */
async function refusal(url: string, brokerUseSsl: Readonly<Record<string, unknown>>): Promise<CeleryProtoError> {
  const started = Date.now();
  try {
    const transport = await createTransport(url, { brokerUseSsl, settingNames: { brokerUseSsl: "broker_use_ssl" } });
    await transport.close();
  } catch (e) {
    assert.ok(CeleryProtoError.is(e), `expected a CeleryProtoError, got ${String(e)}`);
    // Refused on the first attempt, not after the connect timeout or retries.
    assert.ok(Date.now() - started < 4000, `refusal took ${Date.now() - started} ms`);
    return e;
  }
  assert.fail(`connected to ${url} with ${JSON.stringify(brokerUseSsl)}`);
}

describe("TLS brokers: Celery's ssl settings, interop with Python Celery, refusals", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tls-brokers-"));
  const workers: { stop(): Promise<void> }[] = [];

  /** Ours on Redis: in-process, the settings given as a configuration object. */
  const startInProcess = async (): Promise<{ stop(): Promise<void> }> => {
    const worker = createWorker({
      config: settings(SIDES.redis, SIDES.redis.protoQueue),
      queues: [SIDES.redis.protoQueue],
      pool: "async",
      concurrency: 1,
      hostname: `tls-ts-redis-${unique}@test`,
      control: false,
      heartbeat: false,
      mingle: false,
      logLevel: "ERROR",
    });
    register(worker.registry);
    await worker.start();
    return worker;
  };

  before(async () => {
    ensureBuilt();
    const amqpConfig = path.join(dir, "amqp.json");
    writeFileSync(amqpConfig, JSON.stringify(settings(SIDES.amqp, SIDES.amqp.protoQueue)));
    const starting: Promise<{ stop(): Promise<void> }>[] = [
      // Ours on RabbitMQ: `proto worker` as a user runs it, everything from its --config file.
      ProtoWorkerProcess.startBuilt(["-A", TS_TASKS, "--config", amqpConfig, "-l", "info", "-n", `tls-ts-amqp-${unique}@%h`, "-c", "1"], {
        CELERY_BROKER_URL: "",
        CELERY_RESULT_BACKEND: "",
      }),
      startInProcess(),
    ];
    for (const [kind, side] of Object.entries(SIDES) as [BrokerKind, Side][]) {
      starting.push(
        PythonWorker.start({
          app: "tls_project.celery",
          brokerUrl: side.broker,
          resultBackend: BACKEND,
          queue: side.pythonQueue,
          nodeName: `tls-py-${kind}-${unique}@%h`,
          extraEnv: pythonEnv(side, side.pythonQueue),
        }),
      );
    }
    const settled = await Promise.allSettled(starting);
    for (const s of settled) if (s.status === "fulfilled") workers.push(s.value);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed !== undefined) {
      throw new Error(
        `a worker did not start over TLS (are the brokers' TLS listeners up? bash scripts/setup/brokers.sh status): ${String((failed as PromiseRejectedResult).reason)}`,
      );
    }
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ["redis", "amqp"] as const) {
    const side = SIDES[kind];
    it(`${kind}: a Python Celery worker over TLS runs our client's task; the result comes back over the TLS backend`, async () => {
      const client = await createClient({ config: settings(side, side.pythonQueue) });
      try {
        const result = await client.enqueue("tls.add", [2, 3]);
        assert.deepEqual(await result.get({ timeoutMs: 30_000 }), { sum: 5, by: "python" });
      } finally {
        await client.close();
      }
    });

    it(`${kind}: our worker over TLS runs what Python Celery sends over TLS`, async () => {
      assert.deepEqual(await pythonCall(side, 4, 5), { sum: 9, by: "typescript" });
    });
  }

  it("a server certificate of another CA is refused on both brokers, naming the URL (masked), the reason and the option", async () => {
    const amqp = await refusal(AMQPS_URL, { ...AMQP_USE_SSL, ca_certs: pem("other-ca.pem") });
    assert.equal(amqp.code, "InvalidOption");
    assert.match(amqp.message, /amqps:\/\/guest:\*\*@127\.0\.0\.1:\d+\/.*failed verification \(SELF_SIGNED_CERT_IN_CHAIN.*ca_certs/);
    const redis = await refusal(`${REDIS_TLS_URL}/${DB}`, { ssl_ca_certs: pem("other-ca.pem") });
    assert.equal(redis.code, "InvalidOption");
    assert.match(redis.message, /rediss:\/\/127\.0\.0\.1:\d+\/\d+: TLS: the certificate of 127\.0\.0\.1:\d+ failed verification .*ssl_ca_certs/);
    // The Redis result backend refuses it as well, for the backend's setting.
    await assert.rejects(
      createClient({ config: { ...settings(SIDES.redis, "unused"), redis_backend_use_ssl: { ssl_ca_certs: pem("other-ca.pem") } } }),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /result backend: .*failed verification/.test(e.message),
    );
  });

  it("a host name the server's certificate was not issued for is refused", async () => {
    const error = await refusal(AMQPS_URL, { ...AMQP_USE_SSL, server_hostname: "not-the-broker.example" });
    assert.equal(error.code, "InvalidOption");
    assert.match(error.message, /not for this host name .*not-the-broker\.example.*server_hostname/);
  });

  it("mutual TLS: RabbitMQ refuses a client without a certificate, Redis one with a certificate of another CA", async () => {
    const none = await refusal(AMQPS_URL, { ca_certs: pem("ca.pem") });
    // TLS 1.3: the server checks the client's certificate after the client's side of the handshake, so its alert can
    // race the reset of the client's first write; either way the message names the client certificate options.
    assert.match(
      none.message,
      /(refused the handshake \(ERR_SSL_\w*ALERT\w*|closed the connection right after the handshake \((ECONNRESET|EPIPE)\)).*certfile and keyfile/,
    );
    const untrusted = await refusal(`${REDIS_TLS_URL}/${DB}`, {
      ssl_ca_certs: pem("ca.pem"),
      ssl_certfile: pem("other-client.pem"),
      ssl_keyfile: pem("other-client.key"),
    });
    assert.match(
      untrusted.message,
      /(refused the handshake \(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA|closed the connection right after the handshake \((ECONNRESET|EPIPE)\)).*ssl_certfile and ssl_keyfile/,
    );
  });
});
