// The Celery peer of `proto conformance run` (conformance/peer), run outside a container exactly as the
// container runs it: conformance/peer/entrypoint.sh <role>, configured by environment variables only, with the
// project's Celery 5.7 venv as PEER_PYTHON. On Redis and on RabbitMQ: the worker prints "ready." and then answers
// `healthcheck`, the producer's HTTP API sends, runs canvases, reads results and broadcasts control commands, a
// PEER_CONFIG file (.py, .json) and CELERY_<SETTING> variables are honoured (env beating the file), errors are
// HTTP 400, and both processes stop cleanly on SIGTERM. Also: the Dockerfile ships these same files.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { redisDbUrl } from "../harness/broker-urls.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ENTRYPOINT = path.join(ROOT, "conformance/peer/entrypoint.sh");
const PEER_PYTHON = path.join(ROOT, ".venv/bin/python");
const DOCKERFILE = path.join(ROOT, "conformance/container/Dockerfile");

/** The environment a user would give the container: ours without any CELERY_<setting> that could leak in. */
function peerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("CELERY_") && !key.startsWith("CELERY_PROTO_")) continue;
    if (key.startsWith("PEER_")) continue;
    env[key] = value;
  }
  return { ...env, PEER_PYTHON, ...extra };
}

class PeerProcess {
  private output = "";
  private readonly exited: Promise<number | null>;
  private constructor(
    readonly role: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static start(role: string, env: NodeJS.ProcessEnv): PeerProcess {
    const child = spawn(ENTRYPOINT, [role], { cwd: tmpdir(), env, stdio: ["ignore", "pipe", "pipe"] });
    return new PeerProcess(role, child);
  }

  get log(): string {
    return this.output;
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match !== null) return match;
      if (this.child.exitCode !== null) throw new Error(`peer ${this.role} exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`peer ${this.role} did not print ${pattern} in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, as `docker stop` does; the exit code (SIGKILL after 20 s: then null). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** `entrypoint.sh healthcheck [role]`, asynchronously: its exit code and output. */
function healthcheck(env: NodeJS.ProcessEnv, role?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ENTRYPOINT, role === undefined ? ["healthcheck"] : ["healthcheck", role], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

async function waitHealthy(env: NodeJS.ProcessEnv, role: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { code, output } = await healthcheck(env, role);
    if (code === 0) return output;
    if (Date.now() > deadline) throw new Error(`healthcheck ${role} kept failing (${code}):\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

type Json = Record<string, unknown>;

async function call(base: string, route: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${base}${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

async function post(base: string, route: string, body: unknown): Promise<Json> {
  const { status, json } = await call(base, route, body);
  assert.equal(status, 200, `${route}: ${JSON.stringify(json)}`);
  return json;
}

async function sendAndGet(base: string, body: Json): Promise<Json> {
  const { id } = await post(base, "/send", body);
  assert.equal(typeof id, "string");
  return post(base, "/result", { id, timeout: 20 });
}

function sig(task: string, args: unknown[] = [], kwargs: Json = {}): Json {
  return { task, args, kwargs, options: {}, subtask_type: null, immutable: false };
}

interface Scenario {
  readonly broker: "redis" | "amqp";
  /** The broker URL; for amqp, a vhost of the test's own on the shared node (made and deleted by the test). */
  readonly brokerUrl: () => Promise<string>;
  readonly backendUrl: string;
  /** PEER_NODE_NAME as given; `%h` expanded by Celery. */
  readonly nodeName: string;
  readonly queues: readonly string[];
  /** The queue a task sent without one goes to: from the config file, or from CELERY_TASK_DEFAULT_QUEUE. */
  readonly defaultQueue: string;
  readonly config: { readonly file: string; readonly text: string };
  readonly extraEnv: Readonly<Record<string, string>>;
  /** A task the config file routes to a queue of its own. */
  readonly routed?: { readonly task: string; readonly queue: string };
}

const pid = process.pid;
let vhost: TestVhost | undefined;
const SCENARIOS: readonly Scenario[] = [
  {
    broker: "redis",
    brokerUrl: async () => redisDbUrl(24),
    backendUrl: redisDbUrl(25),
    nodeName: `peer-${pid}-redis@%h`,
    queues: [`peer-file-${pid}`, `peer-routed-${pid}`],
    defaultQueue: `peer-file-${pid}`,
    config: {
      file: "celeryconfig.py",
      text: [
        "# the user's own Celery settings, mounted as PEER_CONFIG",
        `task_default_queue = "peer-file-${pid}"`,
        `task_routes = {"peer.echo": {"queue": "peer-routed-${pid}"}}`,
        "",
      ].join("\n"),
    },
    extraEnv: {},
    routed: { task: "peer.echo", queue: `peer-routed-${pid}` },
  },
  {
    broker: "amqp",
    brokerUrl: async () => {
      vhost = await createTestVhost(`celery-peer-${pid}`);
      return vhost.url;
    },
    backendUrl: redisDbUrl(25),
    nodeName: `peer-${pid}-amqp@conformance`,
    queues: [`peer-env-${pid}`],
    defaultQueue: `peer-env-${pid}`,
    config: { file: "celeryconfig.json", text: JSON.stringify({ task_default_queue: `peer-json-${pid}` }) },
    // env beats the file
    extraEnv: { CELERY_TASK_DEFAULT_QUEUE: `peer-env-${pid}`, CELERY_WORKER_PREFETCH_MULTIPLIER: "1" },
  },
];

for (const scenario of SCENARIOS) {
  describe(`Celery peer on ${scenario.broker} (entrypoint.sh, env only)`, () => {
    let dir = "";
    let env: NodeJS.ProcessEnv = {};
    let worker: PeerProcess | undefined;
    let producer: PeerProcess | undefined;
    let node = "";
    let base = "";

    before(async () => {
      assert.ok(existsSync(PEER_PYTHON), `${PEER_PYTHON} is missing: run bash scripts/setup/python.sh`);
      dir = mkdtempSync(path.join(tmpdir(), "celery-peer-"));
      const configPath = path.join(dir, scenario.config.file);
      writeFileSync(configPath, scenario.config.text);
      env = peerEnv({
        CELERY_BROKER_URL: await scenario.brokerUrl(),
        CELERY_RESULT_BACKEND: scenario.backendUrl,
        PEER_CONFIG: configPath,
        PEER_QUEUES: scenario.queues.join(","),
        PEER_NODE_NAME: scenario.nodeName,
        PEER_PRODUCER_PORT: "0",
        PEER_HEALTHCHECK_TIMEOUT: "2",
        ...scenario.extraEnv,
      });
    });

    after(async () => {
      await producer?.stop();
      await worker?.stop();
      rmSync(dir, { recursive: true, force: true });
      if (scenario.broker === "amqp") await vhost?.delete();
      // Redis dbs 24 and 25 are this file's own: leave nothing behind (queues, results, kombu bindings).
      for (const db of [24, 25]) {
        const redis = new Redis(redisDbUrl(db));
        await redis.flushdb();
        redis.disconnect();
      }
    });

    it('worker: prints "ready.", then `healthcheck` exits 0 (a ping from its node); another node name exits 1', async () => {
      worker = PeerProcess.start("worker", env);
      const ready = await worker.waitFor(/(\S+@\S+) ready\./, 90_000);
      node = ready[1] ?? "";
      if (!scenario.nodeName.includes("%h")) assert.equal(node, scenario.nodeName);
      else assert.match(node, new RegExp(`^peer-${pid}-redis@.+`));
      const output = await waitHealthy(env, "worker", 30_000);
      assert.match(output, new RegExp(`healthy: ${node.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      assert.match(worker.log, /prefork/);
      const other = await healthcheck({ ...env, PEER_NODE_NAME: `nobody-${pid}@nowhere`, PEER_HEALTHCHECK_TIMEOUT: "0.5" });
      assert.equal(other.code, 1, other.output);
    });

    it("producer: prints its address, `healthcheck producer` exits 0, GET /health names Celery and kombu", async () => {
      producer = PeerProcess.start("producer", env);
      const ready = await producer.waitFor(/producer ready on (http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
      base = ready[1] ?? "";
      const checked = await healthcheck({ ...env, PEER_PRODUCER_PORT: ready[2] ?? "" }, "producer");
      assert.equal(checked.code, 0, checked.output);
      const { status, json } = await call(base, "/health");
      assert.equal(status, 200);
      assert.deepEqual(json, { ok: true, celery: "5.7.0", kombu: "5.7.0" });
    });

    it("/send peer.add then /result: SUCCESS 5", async () => {
      const result = await sendAndGet(base, { task: "peer.add", args: [2, 3] });
      assert.equal(result["state"], "SUCCESS");
      assert.equal(result["result"], 5);
      assert.equal(result["traceback"], null);
    });

    it("/send without a queue: the default queue of the config (file, or CELERY_TASK_DEFAULT_QUEUE over it)", async () => {
      const result = await sendAndGet(base, { task: "peer.request", kwargs: {}, options: { headers: { x: 1 } } });
      assert.equal(result["state"], "SUCCESS");
      const request = result["result"] as Json;
      assert.equal((request["delivery_info"] as Json)["routing_key"], scenario.defaultQueue);
      assert.equal(request["hostname"], node);
      assert.equal(request["retries"], 0);
      assert.deepEqual([request["args"], request["kwargs"]], [[], {}]);
    });

    if (scenario.routed !== undefined) {
      const routed = scenario.routed;
      it(`task_routes of the config file: ${routed.task} runs from ${routed.queue}`, async () => {
        const result = await sendAndGet(base, { task: routed.task, args: [1, "a"], kwargs: { k: [true] } });
        assert.equal(result["state"], "SUCCESS");
        assert.deepEqual(result["result"], { args: [1, "a"], kwargs: { k: [true] } });
      });
    }

    it("/canvas: a chain add(2, 3) | mul(10) gives 50, with its parent's id", async () => {
      const chain = {
        task: "celery.chain",
        args: [],
        kwargs: { tasks: [sig("peer.add", [2, 3]), sig("peer.mul", [10])] },
        options: {},
        subtask_type: "chain",
        immutable: false,
      };
      const sent = await post(base, "/canvas", { signature: chain });
      assert.equal(typeof sent["id"], "string");
      assert.equal(typeof sent["parent_id"], "string");
      const result = await post(base, "/result", { id: sent["id"], timeout: 20 });
      assert.deepEqual([result["state"], result["result"]], ["SUCCESS", 50]);
      const first = await post(base, "/result", { id: sent["parent_id"], timeout: 5 });
      assert.deepEqual([first["state"], first["result"]], ["SUCCESS", 5]);
    });

    it("/control: ping answers from the node, active_queues lists PEER_QUEUES", async () => {
      const ping = await post(base, "/control", { method: "ping", arguments: {}, destination: [node], timeout: 2, reply: true });
      assert.deepEqual(ping["replies"], [{ [node]: { ok: "pong" } }]);
      const active = await post(base, "/control", { method: "active_queues", destination: [node], timeout: 2 });
      const replies = active["replies"] as Json[];
      assert.equal(replies.length, 1);
      const queues = (replies[0]?.[node] as Json[]).map((q) => q["name"]);
      assert.deepEqual([...queues].sort(), [...scenario.queues].sort());
    });

    it("errors: a task's exception is a FAILURE result; a refused /send is HTTP 400 naming the task", async () => {
      const failed = await sendAndGet(base, { task: "peer.fail", kwargs: { message: "nope" } });
      assert.equal(failed["state"], "FAILURE");
      assert.deepEqual(failed["result"], { type: "ValueError", message: "nope" });
      assert.match(String(failed["traceback"]), /ValueError: nope/);

      const refused = await call(base, "/send", { task: "peer.add", args: [1, 2], options: { serializer: "no-such-codec" } });
      assert.equal(refused.status, 400);
      assert.equal(typeof refused.json["error"], "string");
      assert.match(String(refused.json["message"]), /^peer\.add: /);

      const missing = await call(base, "/send", { args: [] });
      assert.equal(missing.status, 400);
      assert.match(String(missing.json["message"]), /"task"/);
      const notFound = await call(base, "/nowhere", {});
      assert.equal(notFound.status, 404);
    });

    it("/result of a task that never runs: PENDING with timeout true", async () => {
      const result = await post(base, "/result", { id: randomUUID(), timeout: 1 });
      assert.deepEqual([result["state"], result["timeout"]], ["PENDING", true]);
    });

    if (scenario.broker === "redis") {
      it("beat: PEER_BEAT_SCHEDULE's entry runs on the worker; SIGTERM stops beat (exit 0)", async () => {
        const schedule = { answer: { task: "peer.add", schedule: 1, args: [20, 22], options: { queue: scenario.defaultQueue } } };
        const beat = PeerProcess.start("beat", { ...env, PEER_BEAT_SCHEDULE: JSON.stringify(schedule) });
        try {
          await beat.waitFor(/Sending due task answer \(peer\.add\)/, 30_000);
          await worker?.waitFor(/Task peer\.add\[[^\]]+\] succeeded in [^:]+: 42/, 30_000);
        } finally {
          assert.equal(await beat.stop(), 0, beat.log);
        }
      });
    }

    it("SIGTERM stops the producer and the worker cleanly (exit 0)", async () => {
      assert.ok(producer !== undefined && worker !== undefined);
      assert.equal(await producer.stop(), 0, producer.log);
      assert.match(producer.log, /producer stopped/);
      assert.equal(await worker.stop(), 0, worker.log);
    });
  });
}

describe("the container ships the same peer", () => {
  const dockerfile = readFileSync(DOCKERFILE, "utf8");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const args = (keyword: string): string[] =>
    instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1).trim());

  it("COPYs conformance/peer/ to /peer/ and runs /peer/entrypoint.sh (entrypoint, healthcheck)", () => {
    assert.ok(args("COPY").includes("conformance/peer/ /peer/"), args("COPY").join("\n"));
    assert.deepEqual(args("ENTRYPOINT"), ['["/peer/entrypoint.sh"]']);
    assert.deepEqual(args("CMD"), ['["worker"]']);
    const healthcheckLine = args("HEALTHCHECK")[0] ?? "";
    assert.match(healthcheckLine, /CMD \["\/peer\/entrypoint\.sh", "healthcheck"\]$/);
    // what /peer/ holds is what the tests above ran
    accessSync(ENTRYPOINT, constants.X_OK);
    assert.ok(existsSync(path.join(ROOT, "conformance/peer/celery_proto_peer/__main__.py")));
    const requirements = args("COPY").find((line) => line.includes("requirements.txt")) ?? "";
    assert.match(requirements, /^conformance\/peer\/requirements\.txt /);
  });

  it("installs celery[redis] at the build argument, default our Celery 5.7 line, and runs as a non-root user", () => {
    const pinned = readFileSync(path.join(ROOT, "conformance/python/requirements.txt"), "utf8").match(/^celery==(\S+)$/m)?.[1];
    assert.ok(args("ARG").includes(`CELERY_VERSION=${pinned}`), args("ARG").join("\n"));
    assert.ok(args("RUN").some((line) => /"celery\[redis\]==\$\{CELERY_VERSION\}"/.test(line)));
    const user = args("USER").at(-1) ?? "root";
    assert.notEqual(user, "root");
    assert.notEqual(user, "0");
    assert.match(dockerfile, /PEER_PRODUCER_HOST=0\.0\.0\.0/);
  });
});
