// `proto conformance run --catalog` end to end on Redis (broker db 28, results db 29) and on RabbitMQ (a vhost of
// its own; results through rpc://, then in Redis db 29): the typed example's Python Celery worker (typed.add, typed.mul,
// typed.describe_point on `celery`) and a `proto worker` with its TypeScript tasks (typed.shout, typed.stats on
// `typed-ts`) are running, as a user's would be; the example's catalog run through the CLI (catalog cases only, no
// peer) passes every case, and with the Celery peer's producer also sending each call (Python-made messages, routed
// where our client routes them) too. On Redis also: with a TypeScript stats returning the mean as a string instead,
// the run exits 1 naming catalog/typed.stats/... and the field; and a deployment with no events and no beat
// (`--features events=none --features beat=none`) skips the shipped events and beat cases with that reason.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { redisDbUrl } from "../harness/broker-urls.js";
import { CeleryPeerProcess } from "../harness/celery-peer.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { ProtoCommandRun } from "../harness/proto-command-run.js";
import type { PythonWorker } from "../harness/python-worker.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";
import { startTypedPythonWorker } from "../harness/typed-example.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REDIS_BROKER = redisDbUrl(28);
const BACKEND = redisDbUrl(29);
const CATALOG = path.join(ROOT, "examples/typed/catalog.json");

async function flush(): Promise<void> {
  for (const url of [REDIS_BROKER, BACKEND]) {
    const r = new Redis(url, { maxRetriesPerRequest: 2 });
    await r.flushdb();
    await r.quit();
  }
}

/** `proto worker -A <module> -Q <queue>` on the test's broker and backend, once ready. */
function startProtoWorker(broker: string, backend: string, module: string, queue: string): Promise<ProtoWorkerProcess> {
  return ProtoWorkerProcess.start(["-A", module, "-Q", queue, "-l", "info", "--without-mingle", "--broker", broker, "--backend", backend]);
}

interface Setup {
  readonly label: string;
  /** The broker URL, once it exists. */
  readonly broker: () => Promise<string>;
  readonly backend: string;
  readonly cleanup: () => Promise<void>;
  /** Whether the Redis-only checks (a wrong result type, --features none) run too. */
  readonly all: boolean;
}

let vhost: TestVhost | null = null;
const SETUPS: readonly Setup[] = [
  { label: "Redis", broker: async () => REDIS_BROKER, backend: BACKEND, cleanup: async () => undefined, all: true },
  {
    label: "RabbitMQ, rpc:// results",
    broker: async () => {
      vhost = await createTestVhost(`celery-proto-conformance-catalog-${process.pid}`);
      return vhost.url;
    },
    backend: "rpc://",
    cleanup: async () => undefined,
    all: false,
  },
  {
    label: "RabbitMQ, Redis results",
    broker: async () => (vhost as TestVhost).url,
    backend: BACKEND,
    cleanup: async () => {
      await vhost?.delete();
    },
    all: false,
  },
];

interface JsonReport {
  readonly summary: { readonly total: number; readonly passed: number; readonly failed: number; readonly ok: boolean };
  readonly cases: readonly { readonly name: string; readonly status: string; readonly message: string | null }[];
}

for (const setup of SETUPS) {
  describe(`proto conformance run --catalog: the typed example against its Python and TypeScript workers (${setup.label})`, { timeout: 240_000 }, () => {
    let python: PythonWorker | undefined;
    let ts: ProtoWorkerProcess | undefined;
    let broker = "";
    /** No peer: its producer's URL answers nothing. */
    let common: string[] = [];

    before(async () => {
      await flush();
      broker = await setup.broker();
      common = ["--broker", broker, "--backend", setup.backend, "--producer", "http://127.0.0.1:9", "--timeout", "15"];
      const started = await Promise.allSettled([
        startTypedPythonWorker({ brokerUrl: broker, resultBackend: setup.backend, pyQueue: "celery" }),
        startProtoWorker(broker, setup.backend, "examples/typed/ts-worker/tasks.ts", "typed-ts"),
      ] as const);
      if (started[0].status === "fulfilled") python = started[0].value;
      if (started[1].status === "fulfilled") ts = started[1].value;
      const failed = started.find((s) => s.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    });

    after(async () => {
      await Promise.all([python?.stop(), ts?.stop()]);
      await flush();
      await setup.cleanup();
    });

    it("the example's catalog passes: every task, every vector, by our client", async () => {
      const r = await ProtoCommandRun.run("conformance:run", [...common, "--catalog", CATALOG, "--cases", "catalog/**", "--format", "json"]);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const report = JSON.parse(r.stdout) as JsonReport;
      assert.equal(report.summary.ok, true);
      assert.equal(report.summary.passed, report.summary.total);
      const names = report.cases.map((c) => c.name);
      for (const task of ["typed.add", "typed.mul", "typed.describe_point", "typed.shout", "typed.stats"]) {
        assert.ok(names.includes(`catalog/${task}/minimal`) && names.includes(`catalog/${task}/all`), task);
      }
      assert.ok(names.includes("catalog/typed.shout/times.maximum") && names.includes("catalog/typed.describe_point/label.null"));
      assert.ok(
        names.every((n) => n.startsWith("catalog/") && !n.endsWith("/celery-producer")),
        "no shipped case, and no peer-producer case without a peer",
      );
      assert.match(r.stderr, /the peer producer http:\/\/127\.0\.0\.1:9 did not answer: the catalog's tasks are sent by our client only/);
    });

    it("with the Celery peer's producer, each call is also sent by Celery's send_task and passes", async () => {
      const options = { brokerUrl: broker, resultBackend: setup.backend, queue: "conformance-catalog-peer", nodeName: `catalog-peer-${process.pid}@localhost` };
      const producer = await CeleryPeerProcess.producer(options);
      try {
        const args = [...common.filter((a) => a !== "http://127.0.0.1:9" && a !== "--producer"), "--producer", producer.url];
        const r = await ProtoCommandRun.run("conformance:run", [...args, "--catalog", CATALOG, "--cases", "catalog/**", "--format", "json"]);
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        const report = JSON.parse(r.stdout) as JsonReport;
        const byPeer = report.cases.filter((c) => c.name.endsWith("/celery-producer"));
        assert.equal(byPeer.length * 2, report.cases.length);
        assert.ok(byPeer.some((c) => c.name === "catalog/typed.add/minimal/celery-producer"));
        assert.ok(byPeer.some((c) => c.name === "catalog/typed.stats/all/celery-producer"));
        assert.equal(report.summary.passed, report.summary.total);
      } finally {
        await producer.process.stop();
      }
    });

    if (!setup.all) return;

    it("a TypeScript typed.stats returning the wrong type fails the run, naming the case and the field", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "conformance-catalog-"));
      const module = path.join(dir, "wrong-stats.ts");
      writeFileSync(
        module,
        [
          "// typed.stats with the mean as a string: the catalog says number.",
          "export function register(registry: { register(name: string, fn: (args: readonly unknown[]) => unknown): void }): void {",
          '  registry.register("typed.stats", ([numbers]) => {',
          "    const list = numbers as number[];",
          "    const sum = list.reduce((total, n) => total + n, 0);",
          "    return { count: list.length, sum, mean: String(sum / list.length) };",
          "  });",
          "}",
          "",
        ].join("\n"),
      );
      const wrong = await startProtoWorker(broker, setup.backend, module, "typed-wrong");
      try {
        // typed.stats goes to the catalog's typed-ts queue; the wrong worker consumes its own: a catalog copy routes there.
        const catalog = JSON.parse(readFileSync(CATALOG, "utf8")) as { tasks: Record<string, { options?: { queue?: string } }> };
        for (const task of Object.values(catalog.tasks)) if (task.options?.queue === "typed-ts") task.options.queue = "typed-wrong";
        const wrongCatalog = path.join(dir, "catalog.json");
        writeFileSync(wrongCatalog, JSON.stringify({ ...catalog, $schema: undefined }));
        const r = await ProtoCommandRun.run("conformance:run", [...common, "--catalog", wrongCatalog, "--cases", "catalog/typed.stats/**"]);
        assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /catalog\/typed\.stats\/minimal: result\/mean: must be number, got "0"/);
        assert.match(r.stdout, /catalog\/typed\.stats\/all: result\/mean: must be number, got "2\.5"/);
      } finally {
        await wrong.stop();
      }
    });

    it("--features events=none --features beat=none: the shipped events and beat cases are skipped with that reason; the catalog's run", async () => {
      const select = ["--cases", "catalog/typed.add/minimal", "--cases", "events/**", "--cases", "*beat*/**"];
      const r = await ProtoCommandRun.run("conformance:run", [
        ...common,
        "--catalog",
        CATALOG,
        ...select,
        "--features",
        "events=none",
        "--features",
        "beat=none",
        "--format",
        "json",
      ]);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const report = JSON.parse(r.stdout) as JsonReport & { readonly features: Readonly<Record<string, readonly string[]>> };
      assert.deepEqual(report.features["events"], ["none"]);
      const byName = new Map(report.cases.map((c) => [c.name, c]));
      assert.equal(byName.get("catalog/typed.add/minimal")?.status, "passed");
      const events = report.cases.filter((c) => c.name.startsWith("events/"));
      const beat = report.cases.filter((c) => /^(ts|celery)-beat-to-/.test(c.name));
      assert.ok(events.length > 0 && beat.length > 0, r.stdout);
      for (const c of events) assert.deepEqual([c.name, c.status, c.message], [c.name, "skipped", "events=none (--features)"]);
      for (const c of beat) assert.deepEqual([c.name, c.status, c.message], [c.name, "skipped", "beat=none (--features)"]);
      assert.equal(report.summary.passed, 1);
    });
  });
}
