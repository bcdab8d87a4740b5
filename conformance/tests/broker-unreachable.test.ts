// Clear failure when the broker is not there (issue 10, item 4), against real servers and no mocks: a port on
// 127.0.0.1 nothing listens on, a TCP server that accepts and never answers (a hung handshake), the project's RabbitMQ
// with a missing vhost or a wrong password, Redis with a database it does not have, and a private redis-server that
// requires a password. `createClient` and the `proto` commands fail within the configured time with a message naming
// host and port (password masked), and for a timeout the option or flag that changes the wait. The same for a Redis
// result backend and `proto beat --lock`: a refused password or database fails at once, naming the URL's setting.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient } from "../../sdk/src/client/create-client.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { BlackholeServer } from "../harness/blackhole-server.js";
import { AMQP_URL, redisDbUrl } from "../harness/broker-urls.js";
import { findFreePort, PrivateRedisServer } from "../harness/redis-private-server.js";
import { runProto, runProtoBatch } from "./operator-cli-fixture.js";

const TIMEOUT_MS = 1500;
/** "Within the configured time", loosely: far above 1.5 s for a slow CI machine, far below "forever". */
const BOUND_MS = 10_000;
/** A `proto` process also pays Node + tsx start-up. */
const PROCESS_BOUND_MS = 20_000;
const AMQP_HOST_PORT = /@([^/;]+)\//.exec(AMQP_URL)![1]!;
const SECRET = "s3cret-pw";

async function failure(promise: Promise<unknown>): Promise<{ error: CeleryProtoError; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (e) {
    assert.ok(CeleryProtoError.is(e), `a CeleryProtoError, got ${String(e)}`);
    return { error: e, ms: Date.now() - started };
  }
  assert.fail("expected a rejection");
}

function client(broker: string, backend: string | null = null): Promise<unknown> {
  return createClient({ broker, backend, connectTimeoutMs: TIMEOUT_MS });
}

describe("createClient: a broker that is not there fails within connectTimeoutMs, naming host and port", () => {
  let closedPort = 0;
  let blackhole: BlackholeServer;
  before(async () => {
    closedPort = await findFreePort();
    blackhole = await BlackholeServer.start();
  });
  after(() => blackhole.close());

  for (const [kind, url] of [
    ["Redis", () => `redis://:${SECRET}@127.0.0.1:${closedPort}/0`],
    ["RabbitMQ", () => `amqp://guest:${SECRET}@127.0.0.1:${closedPort}//`],
  ] as const) {
    it(`${kind}: nothing listens on the port → TransportClosed at once, naming 127.0.0.1:port, password masked`, async () => {
      const { error, ms } = await failure(client(url()));
      assert.equal(error.code, "TransportClosed", error.message);
      assert.ok(error.message.includes(`127.0.0.1:${closedPort}`), error.message);
      assert.match(error.message, /connection refused/);
      assert.ok(!error.message.includes(SECRET), "the password is masked");
      assert.ok(error.message.includes(":**@"), error.message);
      assert.ok(ms < BOUND_MS, `failed after ${ms} ms`);
    });
  }

  for (const [kind, url] of [
    ["Redis", () => `redis://127.0.0.1:${blackhole.port}/0`],
    ["RabbitMQ", () => `amqp://guest:guest@127.0.0.1:${blackhole.port}//`],
  ] as const) {
    it(`${kind}: a server that accepts and never answers → Timeout after connectTimeoutMs, naming the option`, async () => {
      const { error, ms } = await failure(client(url()));
      assert.equal(error.code, "Timeout", error.message);
      assert.ok(error.message.includes(`127.0.0.1:${blackhole.port}`), error.message);
      assert.ok(error.message.includes("within 1.5 s") && error.message.includes("connectTimeoutMs"), error.message);
      assert.ok(ms >= TIMEOUT_MS - 100 && ms < BOUND_MS, `failed after ${ms} ms`);
    });
  }

  it("a Redis result backend that is not there fails createClient too, naming it", async () => {
    const { error, ms } = await failure(client("memory://", `redis://127.0.0.1:${closedPort}/1`));
    assert.equal(error.code, "TransportClosed", error.message);
    assert.ok(error.message.startsWith("result backend:") && error.message.includes(`127.0.0.1:${closedPort}`), error.message);
    assert.match(error.message, /connection refused/);
    assert.ok(ms < BOUND_MS, `failed after ${ms} ms`);
  });

  it("a Redis result backend that never answers → Timeout after connectTimeoutMs, naming the option", async () => {
    const { error, ms } = await failure(client("memory://", `redis://127.0.0.1:${blackhole.port}/1`));
    assert.equal(error.code, "Timeout", error.message);
    assert.ok(error.message.startsWith("result backend:"), error.message);
    assert.ok(error.message.includes(`127.0.0.1:${blackhole.port} did not complete the connection within 1.5 s; raise connectTimeoutMs`), error.message);
    assert.ok(ms >= TIMEOUT_MS - 100 && ms < BOUND_MS, `failed after ${ms} ms`);
  });
});

describe("createClient: a Redis result backend that refuses the URL fails at once, saying what to fix", () => {
  let server: PrivateRedisServer;
  before(async () => {
    server = await PrivateRedisServer.start(["--requirepass", "right-pw"]);
  });
  after(() => server.dispose());

  /** A wait far longer than the bound: failing within the bound means it did not wait for the timeout. */
  function patientClient(backend: string): Promise<unknown> {
    return createClient({ broker: "memory://", backend, connectTimeoutMs: 60_000 });
  }

  it("a wrong password: InvalidOption naming host:port and the backend URL, password masked", async () => {
    const { error, ms } = await failure(patientClient(`redis://:${SECRET}@127.0.0.1:${server.port}/0`));
    assert.equal(error.code, "InvalidOption", error.message);
    assert.ok(error.message.startsWith("result backend: cannot connect to redis://:**@"), error.message);
    assert.ok(error.message.includes(`127.0.0.1:${server.port} refused the user or password of the backend URL (WRONGPASS`), error.message);
    assert.ok(!error.message.includes(SECRET));
    assert.ok(ms < BOUND_MS, `failed after ${ms} ms`);
  });

  it("no password: InvalidOption saying where to put it", async () => {
    const { error, ms } = await failure(patientClient(server.url(0)));
    assert.equal(error.code, "InvalidOption", error.message);
    assert.ok(
      error.message.includes(`127.0.0.1:${server.port} requires a password (NOAUTH`) && error.message.includes("put it in the backend URL"),
      error.message,
    );
    assert.ok(ms < BOUND_MS, `failed after ${ms} ms`);
  });

  it("a database the server does not have", async () => {
    const { error, ms } = await failure(patientClient(`redis://:right-pw@127.0.0.1:${server.port}/99`));
    assert.equal(error.code, "InvalidOption", error.message);
    assert.match(error.message, /has no database 99 .*the backend URL's path, \/99/);
    assert.ok(ms < BOUND_MS, `failed after ${ms} ms`);
  });

  it("the right password connects", async () => {
    const ok = await createClient({ broker: "memory://", backend: `redis://:right-pw@127.0.0.1:${server.port}/0` });
    await ok.close();
  });
});

describe("createClient: a broker that refuses the URL says what to fix (never amqplib's or ioredis's internals)", () => {
  it("RabbitMQ: a vhost that does not exist is named as one", async () => {
    const vhost = `celery-proto-missing-${process.pid}`;
    const { error } = await failure(client(AMQP_URL.replace(/\/[^/]*$/, `/${vhost}`)));
    assert.equal(error.code, "InvalidOption");
    assert.ok(error.message.includes(`vhost "${vhost}" does not exist on ${AMQP_HOST_PORT}`), error.message);
    assert.ok(error.message.includes("broker URL's path"), error.message);
    assert.doesNotMatch(error.message, /ConnectionOpenOk|ConnectionClose/);
  });

  it("RabbitMQ: a wrong password is a refused login of the user, password masked", async () => {
    const { error } = await failure(client(AMQP_URL.replace(/:[^:@/]*@/, `:${SECRET}@`)));
    assert.equal(error.code, "InvalidOption");
    assert.ok(error.message.includes(`${AMQP_HOST_PORT} refused the login of user "guest"`), error.message);
    assert.ok(!error.message.includes(SECRET));
  });

  it("Redis: a database the server does not have", async () => {
    const { error } = await failure(client(redisDbUrl(99)));
    assert.equal(error.code, "InvalidOption");
    assert.match(error.message, /has no database 99 .*broker URL's path/);
  });

  it("Redis: a server that requires a password, given none or a wrong one", async () => {
    const server = await PrivateRedisServer.start(["--requirepass", "right-pw"]);
    try {
      const none = await failure(client(server.url(0)));
      assert.equal(none.error.code, "InvalidOption");
      assert.ok(none.error.message.includes(`127.0.0.1:${server.port} requires a password`), none.error.message);
      const wrong = await failure(client(`redis://:${SECRET}@127.0.0.1:${server.port}/0`));
      assert.equal(wrong.error.code, "InvalidOption");
      assert.ok(wrong.error.message.includes(`127.0.0.1:${server.port} refused the user or password`), wrong.error.message);
      assert.ok(!wrong.error.message.includes(SECRET));
      const ok = await createClient({ broker: `redis://:right-pw@127.0.0.1:${server.port}/0`, backend: null });
      await ok.close();
    } finally {
      await server.dispose();
    }
  });
});

describe("proto commands: a broker that is not there fails within --broker-connection-timeout, naming host and port", () => {
  let closedPort = 0;
  let blackhole: BlackholeServer;
  let dir = "";
  before(async () => {
    closedPort = await findFreePort();
    blackhole = await BlackholeServer.start();
    dir = mkdtempSync(path.join(tmpdir(), "celery-proto-unreachable-"));
    writeFileSync(path.join(dir, "schedule.json"), JSON.stringify({ entries: { tick: { task: "t.tick", schedule: { every: 60 } } } }));
  });
  after(async () => {
    await blackhole.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [kind, url] of [
    ["Redis", () => `redis://127.0.0.1:${closedPort}/0`],
    ["RabbitMQ", () => `amqp://guest:guest@127.0.0.1:${closedPort}//`],
  ] as const) {
    it(`proto enqueue, ${kind} not listening: exit 1 with the host and port`, async () => {
      const started = Date.now();
      const r = await runProto(["enqueue", "t.add", "--args", "[1, 2]", "--broker", url(), "--broker-connection-timeout", "1.5"]);
      const ms = Date.now() - started;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^TransportClosed: cannot connect to .*connection refused by 127\\.0\\.0\\.1:${closedPort}`));
      assert.ok(ms < PROCESS_BOUND_MS, `took ${ms} ms`);
    });
  }

  for (const [kind, url] of [
    ["Redis", () => `redis://127.0.0.1:${blackhole.port}/0`],
    ["RabbitMQ", () => `amqp://guest:guest@127.0.0.1:${blackhole.port}//`],
  ] as const) {
    it(`proto enqueue, ${kind} never answering: exit 1 after the timeout, naming --broker-connection-timeout`, async () => {
      const started = Date.now();
      const r = await runProto(["enqueue", "t.add", "--broker", url(), "--broker-connection-timeout", "1.5"]);
      const ms = Date.now() - started;
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`^Timeout: .*127\\.0\\.0\\.1:${blackhole.port} did not complete the connection within 1\\.5 s; raise --broker-connection-timeout`),
      );
      assert.ok(ms >= TIMEOUT_MS && ms < PROCESS_BOUND_MS, `took ${ms} ms`);
    });

    it(`inspect, control, status, events, purge, result and beat, ${kind} never answering: each fails naming host:port and the flag`, async () => {
      const broker = url();
      const common = ["--broker", broker, "--broker-connection-timeout", "1"];
      const commands = [
        ["inspect", "ping", ...common],
        ["control", "shutdown", ...common],
        ["status", ...common],
        ["events", "--dump", ...common],
        ["purge", "-f", ...common],
        ["result", "00000000-0000-0000-0000-000000000000", "--backend", `redis://127.0.0.1:${blackhole.port}/1`, "--broker-connection-timeout", "1"],
        ["beat", path.join(dir, "schedule.json"), "-s", path.join(dir, "state.json"), ...common],
      ];
      const started = Date.now();
      const results = await runProtoBatch(commands);
      const ms = Date.now() - started;
      results.forEach((r, i) => {
        const name = commands[i]![0];
        assert.notEqual(r.code, 0, `${name} exits non-zero`);
        assert.ok(
          r.stderr.includes(`127.0.0.1:${blackhole.port} did not complete the connection within 1 s; raise --broker-connection-timeout`),
          `${name}: ${r.stderr}`,
        );
      });
      assert.ok(ms < PROCESS_BOUND_MS + commands.length * 1000, `took ${ms} ms`);
    });
  }
});

describe("proto commands: a Redis result backend or beat --lock that is not there, or refuses the URL", () => {
  let closedPort = 0;
  let blackhole: BlackholeServer;
  let server: PrivateRedisServer;
  let dir = "";
  before(async () => {
    closedPort = await findFreePort();
    blackhole = await BlackholeServer.start();
    server = await PrivateRedisServer.start(["--requirepass", "right-pw"]);
    dir = mkdtempSync(path.join(tmpdir(), "celery-proto-lock-"));
    writeFileSync(path.join(dir, "schedule.json"), JSON.stringify({ entries: { tick: { task: "t.tick", schedule: { every: 60 } } } }));
  });
  after(async () => {
    await blackhole.close();
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  function beat(lock: string, timeout: string): string[] {
    return [
      "beat",
      path.join(dir, "schedule.json"),
      "--broker",
      "memory://",
      "--lock",
      lock,
      "--lock-key",
      `unreachable-${process.pid}`,
      "--broker-connection-timeout",
      timeout,
    ];
  }

  it("beat --lock: refused at once, silent after --broker-connection-timeout, a wrong password at once naming --lock", async () => {
    const wrong = `redis://:${SECRET}@127.0.0.1:${server.port}/0`;
    const commands = [
      beat(`redis://127.0.0.1:${closedPort}/0`, "60"),
      beat(`redis://127.0.0.1:${blackhole.port}/0`, "1"),
      beat(wrong, "60"),
      beat(`redis://:right-pw@127.0.0.1:${server.port}/99`, "60"),
      ["result", "00000000-0000-0000-0000-000000000000", "--backend", wrong, "--broker-connection-timeout", "60"],
    ];
    const started = Date.now();
    const [refused, silent, password, database, result] = await runProtoBatch(commands);
    const ms = Date.now() - started;
    for (const r of [refused, silent, password, database, result]) assert.equal(r!.code, 1, `${r!.stdout}\n${r!.stderr}`);
    assert.match(
      refused!.stderr,
      new RegExp(
        `^TransportClosed: lock server: cannot connect to redis://127\\.0\\.0\\.1:${closedPort}/0: connection refused by 127\\.0\\.0\\.1:${closedPort}`,
      ),
    );
    assert.doesNotMatch(refused!.stdout, /lock connection/, "the refusal is said once, by the error");
    assert.match(
      silent!.stderr,
      new RegExp(
        `^Timeout: lock server: .*127\\.0\\.0\\.1:${blackhole.port} did not complete the connection within 1 s; raise --broker-connection-timeout if the lock server is slow to answer`,
      ),
    );
    assert.match(
      password!.stderr,
      new RegExp(
        `^InvalidOption: lock server: cannot connect to redis://:\\*\\*@127\\.0\\.0\\.1:${server.port}/0: 127\\.0\\.0\\.1:${server.port} refused the user or password of the --lock URL \\(WRONGPASS`,
      ),
    );
    assert.match(database!.stderr, /^InvalidOption: lock server: .*has no database 99 .*the --lock URL's path, \/99/);
    assert.match(
      result!.stderr,
      new RegExp(`^InvalidOption: result backend: .*127\\.0\\.0\\.1:${server.port} refused the user or password of the --backend URL \\(WRONGPASS`),
    );
    for (const r of [password, result]) assert.ok(!r!.stderr.includes(SECRET), r!.stderr);
    // Four of them were given 60 s: only failing at once keeps the batch under this.
    assert.ok(ms < PROCESS_BOUND_MS + commands.length * 1000, `took ${ms} ms`);
  });
});
