// `proto conformance run` over the Celery lines users run: 5.3, 5.4, 5.5, 5.6 and 5.7 (one pinned venv each, the peer
// of conformance/peer started from it exactly as its container starts it), on Redis and on RabbitMQ: the full suite on
// the newest line, a smoke subset (both directions, control, beat both ways and events) on the older ones. Every run
// passes, and the counts the runner records (`--results-file`) are the table in conformance/README.md: a change of
// counts fails here until the table is refreshed with CELERY_PROTO_UPDATE_CONFORMANCE_TABLE=1.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { summarize } from "../../cli/src/conformance-suite/case-outcome.js";
import { runConformance } from "../../cli/src/conformance-suite/run-conformance.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { CeleryPeerProcess } from "../harness/celery-peer.js";
import { createTestVhost } from "../harness/rabbitmq-vhost.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const README = path.join(ROOT, "conformance/README.md");
const BROKER_DB = 30;
const BACKEND_DB = 31;
const LINES = [
  { line: "5.3", venv: ".venv-5.3" },
  { line: "5.4", venv: ".venv-5.4" },
  { line: "5.5", venv: ".venv-5.5" },
  { line: "5.6", venv: ".venv-5.6" },
  { line: "5.7", venv: ".venv" },
] as const;
const NEWEST = "5.7";
/**
 * The older lines' subset: tasks both ways, a failure, a retry, canvases (ours nested, with callbacks, as the Python
 * worker runs them on every line), request fields, remote control, beat both ways.
 */
const SMOKE = [
  "*/add",
  "*/fail",
  "*/retry-once",
  "*/chain",
  "ts-to-celery/group-of-10",
  "ts-to-celery/chord-of-10",
  "ts-to-celery/chain-with-chord",
  "ts-to-celery/chain-from-group",
  "ts-to-celery/chain-failing-step",
  "ts-to-celery/link",
  "ts-to-celery/link-error",
  "*/request",
  "control/ping",
  "control/active-queues",
  "ts-beat-to-celery/echo-every-1s",
  "celery-beat-to-ts/echo",
  "events/*",
];

const dir = mkdtempSync(path.join(tmpdir(), "conformance-matrix-"));
const table = path.join(dir, "README.md");
copyFileSync(README, table);
after(() => rmSync(dir, { recursive: true, force: true }));

async function flush(db: number): Promise<void> {
  const r = new Redis(redisDbUrl(db), { maxRetriesPerRequest: 2 });
  await r.flushdb();
  await r.quit();
}

describe("proto conformance run over Celery 5.3-5.7, Redis and RabbitMQ", { timeout: 900_000 }, () => {
  for (const { line, venv } of LINES) {
    for (const broker of ["redis", "amqp"] as const) {
      const label = `Celery ${line} · ${broker === "redis" ? "Redis" : "RabbitMQ"}${line === NEWEST ? "" : " (smoke)"}`;
      it(label, { timeout: 180_000 }, async () => {
        await flush(BROKER_DB);
        await flush(BACKEND_DB);
        const vhost = broker === "amqp" ? await createTestVhost("celery-proto-conformance-matrix") : null;
        const brokerUrl = vhost?.url ?? redisDbUrl(BROKER_DB);
        const tag = `${line.replace(".", "")}-${broker}-${process.pid}`;
        const tsQueue = `matrix-ts-${tag}`;
        const options = {
          brokerUrl,
          resultBackend: redisDbUrl(BACKEND_DB),
          queue: `matrix-peer-${tag}`,
          nodeName: `matrix-peer-${tag}@${hostname()}`,
          venv,
        };
        const peers: CeleryPeerProcess[] = [];
        try {
          peers.push(await CeleryPeerProcess.worker(options));
          const producer = await CeleryPeerProcess.producer(options);
          peers.push(producer.process);
          // The Celery beat of the celery-beat-to-ts cases: its default schedule, to this run's ts queue.
          peers.push(await CeleryPeerProcess.beat(options, tsQueue));
          let out = "";
          const { report } = await runConformance({
            flags: { broker: brokerUrl },
            backend: options.resultBackend,
            producerUrl: producer.url,
            peerQueue: options.queue,
            tsQueue,
            peerNode: options.nodeName,
            select: line === NEWEST ? [] : SMOKE,
            features: [],
            caseDir: undefined,
            knownFailingFile: undefined,
            featuresFile: undefined,
            junitFile: undefined,
            resultsFile: table,
            resultsLabel: label,
            format: "table",
            timeoutMs: 30_000,
            out: (text) => (out += text),
            progress: () => undefined,
          });
          const s = summarize(report);
          assert.equal(s.failed + s.stale, 0, `${out}\n--- peer worker ---\n${peers[0]?.log.slice(-3000)}`);
          assert.ok(s.passed >= (line === NEWEST ? 25 : SMOKE.length), `${label}: only ${s.passed} cases passed\n${out}`);
          for (const direction of ["ts-to-celery", "celery-to-ts", "control", "ts-beat-to-celery", "celery-beat-to-ts", "events"]) {
            assert.ok(
              report.outcomes.some((o) => o.status === "passed" && o.case.direction === direction),
              `${label}: no ${direction} case passed`,
            );
          }
        } finally {
          for (const p of peers.reverse()) await p.stop();
          await vhost?.delete();
        }
      });
    }
  }

  it("the table in conformance/README.md is what these runs recorded", () => {
    const recorded = readFileSync(table, "utf8");
    if (process.env["CELERY_PROTO_UPDATE_CONFORMANCE_TABLE"] === "1") copyFileSync(table, README);
    assert.equal(
      readFileSync(README, "utf8"),
      recorded,
      "conformance/README.md's results table is stale: run this test with CELERY_PROTO_UPDATE_CONFORMANCE_TABLE=1 and commit the file",
    );
  });
});
