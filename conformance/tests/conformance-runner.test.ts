// `proto conformance run` against real Celery 5.7 (the peer in conformance/peer, from the repository's venv): the
// shipped cases in all three directions (our client → the Celery worker, Celery's producer → our worker, our remote
// control → the Celery worker) pass on Redis and on RabbitMQ, each with a Redis and an rpc:// result backend, skipping only
// what the broker or backend cannot do; the JUnit report parses back; and through the CLI a case with a wrong
// expected value fails the run naming the case and the field, and a known-failing entry that passes is stale.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { summarize, type SuiteReport } from "../../cli/src/conformance-suite/case-outcome.js";
import { runConformance } from "../../cli/src/conformance-suite/run-conformance.js";
import { parseStrictXml } from "../../cli/test/conformance/strict-xml.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { CeleryPeerProcess } from "../harness/celery-peer.js";
import { createTestVhost, type TestVhost } from "../harness/rabbitmq-vhost.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER_DB = 26;
const BACKEND_DB = 27;

async function flush(db: number): Promise<void> {
  const r = new Redis(redisDbUrl(db), { maxRetriesPerRequest: 2 });
  await r.flushdb();
  await r.quit();
}

function protoCli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

interface Setup {
  readonly label: string;
  readonly broker: () => Promise<string>;
  readonly backend: string;
  /** Cases the run must skip (the broker or backend cannot do them). */
  readonly skipped: readonly string[];
  readonly cleanup: () => Promise<void>;
}

/** The ts-to-celery cases whose results (a chord's, a callback's, an ignored task's state) need a Redis backend. */
const REDIS_BACKEND_ONLY = [
  "ts-to-celery/chord",
  "ts-to-celery/link",
  "ts-to-celery/ignore-result",
  "ts-to-celery/link-error",
  "ts-to-celery/chord-of-10",
  "ts-to-celery/chain-with-chord",
  "ts-to-celery/chain-from-group",
];

/** The quorum-queue cases: skipped without a quorum configuration (conformance-quorum.test.ts runs them). */
const QUORUM_ONLY = ["celery-to-ts/quorum-add", "celery-to-ts/quorum-countdown", "ts-to-celery/quorum-add", "ts-to-celery/quorum-countdown"];

let vhost: TestVhost | null = null;
const SETUPS: Setup[] = [
  {
    label: "Redis broker, Redis backend",
    broker: async () => redisDbUrl(BROKER_DB),
    backend: redisDbUrl(BACKEND_DB),
    skipped: QUORUM_ONLY,
    cleanup: async () => undefined,
  },
  {
    label: "Redis broker, rpc:// backend",
    broker: async () => redisDbUrl(BROKER_DB),
    backend: "rpc://",
    skipped: ["celery-to-ts/chord", "celery-to-ts/link", ...REDIS_BACKEND_ONLY, ...QUORUM_ONLY],
    cleanup: async () => undefined,
  },
  {
    label: "RabbitMQ broker, Redis backend",
    broker: async () => {
      vhost = await createTestVhost(`celery-proto-conformance-runner-${process.pid}`);
      return vhost.url;
    },
    backend: redisDbUrl(BACKEND_DB),
    skipped: ["celery-to-ts/expired", "ts-to-celery/expired", ...QUORUM_ONLY],
    cleanup: async () => undefined,
  },
  {
    label: "RabbitMQ broker, rpc:// backend",
    broker: async () => (vhost as TestVhost).url,
    backend: "rpc://",
    skipped: ["celery-to-ts/chord", "celery-to-ts/expired", "celery-to-ts/link", "ts-to-celery/expired", ...REDIS_BACKEND_ONLY, ...QUORUM_ONLY],
    cleanup: async () => {
      await vhost?.delete();
    },
  },
];

for (const setup of SETUPS) {
  describe(`proto conformance run: ${setup.label}`, { timeout: 300_000 }, () => {
    const peerQueue = `t-conf-peer-${process.pid}`;
    const tsQueue = `t-conf-ts-${process.pid}`;
    const nodeName = `conf-peer-${process.pid}@${hostname()}`;
    let worker: CeleryPeerProcess | null = null;
    let producer: CeleryPeerProcess | null = null;
    let beat: CeleryPeerProcess | null = null;
    let producerUrl = "";
    let brokerUrl = "";
    const dir = mkdtempSync(path.join(tmpdir(), "conformance-runner-"));

    before(async () => {
      await flush(BROKER_DB);
      await flush(BACKEND_DB);
      brokerUrl = await setup.broker();
      const options = { brokerUrl, resultBackend: setup.backend, queue: peerQueue, nodeName };
      worker = await CeleryPeerProcess.worker(options);
      const started = await CeleryPeerProcess.producer(options);
      producer = started.process;
      producerUrl = started.url;
      // The Celery beat the celery-beat-to-ts cases await: its default schedule, sending to our worker's queue.
      beat = await CeleryPeerProcess.beat(options, tsQueue);
    });

    after(async () => {
      await beat?.stop();
      await producer?.stop();
      await worker?.stop();
      await setup.cleanup();
    });

    const run = async (extra: { junitFile?: string } = {}): Promise<{ report: SuiteReport; out: string }> => {
      let out = "";
      const { report } = await runConformance({
        flags: { broker: brokerUrl },
        backend: setup.backend,
        producerUrl,
        peerQueue,
        tsQueue,
        peerNode: nodeName,
        select: [],
        features: [],
        caseDir: undefined,
        knownFailingFile: undefined,
        featuresFile: undefined,
        junitFile: extra.junitFile,
        format: "table",
        timeoutMs: 30_000,
        out: (text) => (out += text),
        progress: () => undefined,
      });
      return { report, out };
    };

    it("the shipped cases pass in every direction; only what this broker and backend cannot do is skipped; the JUnit report parses back", async () => {
      const junit = path.join(dir, "junit.xml");
      const { report, out } = await run({ junitFile: junit });
      const s = summarize(report);
      const logs = `${out}\n--- peer worker ---\n${worker?.log.slice(-4000)}\n--- peer producer ---\n${producer?.log.slice(-4000)}`;
      assert.equal(s.failed + s.stale, 0, logs);
      // (A case of the shipped known-failing list may fail: it is then known failing, not a failure.)
      assert.deepEqual(
        report.outcomes
          .filter((o) => o.status === "skipped")
          .map((o) => o.case.name)
          .sort(),
        [...setup.skipped].sort(),
        out,
      );
      for (const direction of ["ts-to-celery", "celery-to-ts", "control"])
        assert.ok(report.outcomes.filter((o) => o.case.direction === direction && o.status === "passed").length >= 4, `${direction}\n${out}`);
      const xml = parseStrictXml(readFileSync(junit, "utf8"));
      const suite = xml.children[0];
      assert.equal(suite?.name, "testsuite");
      assert.equal(suite?.attributes["tests"], String(report.outcomes.length));
      assert.equal(suite?.attributes["failures"], "0");
      assert.equal(suite?.children.length, report.outcomes.length);
    });

    if (setup === SETUPS[0]) {
      it("through the CLI: a wrong expected value fails the run naming the case and the field, a slow one its time-out; a passing known-failing entry is stale", async () => {
        const cases = path.join(dir, "cases");
        mkdirSync(cases);
        writeFileSync(
          path.join(cases, "broken.yaml"),
          `cases:
  - { name: ts-to-celery/add, direction: ts-to-celery, input: { task: peer.add, args: [2, 3] }, expect: { result: 5 } }
  - { name: ts-to-celery/add-wrong, direction: ts-to-celery, input: { task: peer.add, args: [2, 3] }, expect: { result: 6 } }
  - name: celery-to-ts/echo-wrong
    direction: celery-to-ts
    input: { task: peer.echo, kwargs: { when: "2026-01-02T03:04:05" } }
    expect: { result: { args: [], kwargs: { when: "2026-01-02 03:04:05" } } }
  - { name: celery-to-ts/sleep-wrong, direction: celery-to-ts, timeout: 2, input: { task: peer.sleep, args: [4] }, expect: { result: 4 } }
`,
        );
        writeFileSync(path.join(dir, "known.yaml"), "- ts-to-celery/add\n");
        const common = ["conformance:run", "--broker", brokerUrl, "--backend", setup.backend, "--producer", producerUrl];
        const queues = ["--peer-queue", peerQueue, "--ts-queue", `${tsQueue}-cli`, "--peer-node", nodeName, "--case-dir", cases];
        const r = await protoCli([...common, ...queues, "--known-failing", path.join(dir, "known.yaml"), "--format", "json"]);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        const json = JSON.parse(r.stdout) as { cases: Array<{ name: string; status: string; message: string | null }> };
        const by = Object.fromEntries(json.cases.map((c) => [c.name, c]));
        assert.equal(by["ts-to-celery/add-wrong"]?.status, "failed");
        assert.equal(by["ts-to-celery/add-wrong"]?.message, "ts-to-celery/add-wrong: result: expected 6, got 5");
        assert.equal(
          by["celery-to-ts/echo-wrong"]?.message,
          'celery-to-ts/echo-wrong: result.kwargs.when: expected "2026-01-02 03:04:05", got "2026-01-02T03:04:05"',
        );
        assert.match(
          by["celery-to-ts/sleep-wrong"]?.message ?? "",
          /^celery-to-ts\/sleep-wrong: error: the result of task [0-9a-f-]{36} was not ready within 1\.\d s/,
        );
        assert.equal(by["ts-to-celery/add"]?.status, "stale");
        assert.match(by["ts-to-celery/add"]?.message ?? "", /the known-failing list is stale/);
        // Listing the broken cases as known failing (and not the passing one) makes the same run pass.
        writeFileSync(path.join(dir, "known.yaml"), "known_failing:\n  - '*/*-wrong'\n");
        const ok = await protoCli([...common, ...queues, "--known-failing", path.join(dir, "known.yaml")]);
        assert.equal(ok.status, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /^4 cases: 1 passed, 0 failed, 3 known failing, 0 stale known-failing, 0 skipped/m);
      });
    }
  });
}
