// Beat both ways against real Celery 5.7 on Redis (the peer of conformance/peer, from the repository's venv): our beat
// (run by `proto conformance run` in-process) sends to the Celery peer worker, and the peer's Celery beat (its default
// schedule, PEER_BEAT_QUEUE = the run's ts queue) sends to our worker; conformance/cases/beat.yaml passes. Without the
// peer beat, the celery-beat-to-ts case fails saying what to check.
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { summarize } from "../../cli/src/conformance-suite/case-outcome.js";
import { runConformance } from "../../cli/src/conformance-suite/run-conformance.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { CeleryPeerProcess } from "../harness/celery-peer.js";

const BROKER_DB = 9;
const BACKEND_DB = 5;
const TAG = `beat-${process.pid}`;
const OPTIONS = {
  brokerUrl: redisDbUrl(BROKER_DB),
  resultBackend: redisDbUrl(BACKEND_DB),
  queue: `conformance-peer-${TAG}`,
  nodeName: `conformance-peer-${TAG}@${hostname()}`,
};

async function flush(db: number): Promise<void> {
  const r = new Redis(redisDbUrl(db), { maxRetriesPerRequest: 2 });
  await r.flushdb();
  await r.quit();
}

async function run(
  producerUrl: string,
  tsQueue: string,
  select: readonly string[],
): Promise<{ report: Awaited<ReturnType<typeof runConformance>>["report"]; out: string }> {
  let out = "";
  const { report } = await runConformance({
    flags: { broker: OPTIONS.brokerUrl },
    backend: OPTIONS.resultBackend,
    producerUrl,
    peerQueue: OPTIONS.queue,
    tsQueue,
    peerNode: OPTIONS.nodeName,
    select,
    features: [],
    caseDir: undefined,
    knownFailingFile: undefined,
    featuresFile: undefined,
    junitFile: undefined,
    format: "table",
    timeoutMs: 20_000,
    out: (text) => (out += text),
    progress: () => undefined,
  });
  return { report, out };
}

describe("proto conformance run: beat both ways (Celery 5.7, Redis)", { timeout: 240_000 }, () => {
  const peers: CeleryPeerProcess[] = [];
  let producerUrl = "";

  before(async () => {
    await flush(BROKER_DB);
    await flush(BACKEND_DB);
    peers.push(await CeleryPeerProcess.worker(OPTIONS));
    const producer = await CeleryPeerProcess.producer(OPTIONS);
    peers.push(producer.process);
    producerUrl = producer.url;
  });

  after(async () => {
    for (const p of peers.reverse()) await p.stop();
  });

  it("our beat → the Celery worker, and the Celery beat → our worker: the beat cases pass", async () => {
    const tsQueue = `conformance-ts-${TAG}`;
    const beat = await CeleryPeerProcess.beat(OPTIONS, tsQueue);
    peers.push(beat);
    const { report, out } = await run(producerUrl, tsQueue, ["ts-beat-to-celery/*", "celery-beat-to-ts/*"]);
    const s = summarize(report);
    assert.equal(s.failed + s.stale, 0, `${out}\n--- peer beat ---\n${beat.log.slice(-3000)}`);
    assert.deepEqual(
      report.outcomes.map((o) => `${o.status} ${o.case.name}`),
      ["passed ts-beat-to-celery/echo-every-1s", "passed ts-beat-to-celery/request", "passed celery-beat-to-ts/echo"],
    );
  });

  it("without a Celery beat sending to the ts queue, celery-beat-to-ts fails saying what to check", async () => {
    const tsQueue = `conformance-ts-nobeat-${TAG}`;
    const { report } = await run(producerUrl, tsQueue, ["celery-beat-to-ts/echo"]);
    assert.equal(report.outcomes.length, 1);
    assert.equal(report.outcomes[0]?.status, "failed");
    assert.match(
      report.outcomes[0]?.message ?? "",
      new RegExp(`no task from Celery beat within 15\\.0 s .*is the peer's beat role running with PEER_BEAT_QUEUE=${tsQueue}\\?`),
    );
  });
});
