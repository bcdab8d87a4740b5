// The beat directions without brokers: case validation of ts-beat-to-celery (a schedule) and celery-beat-to-ts (the
// task awaited), and the drivers on the memory transport with our own worker standing in for the Celery peer worker
// (ts-beat-to-celery: our beat sends, every result and the intervals are checked) and a plain send standing in for the
// Celery peer's beat (celery-beat-to-ts: the run our worker recorded is checked; none in time fails saying what to
// check). The Celery side is conformance/tests/conformance-beat.test.ts's.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "../../../sdk/src/client/client.js";
import { createClient } from "../../../sdk/src/client/create-client.js";
import { MemoryTransport } from "../../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../../../worker/src/create-worker.js";
import { createCeleryLogger } from "../../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../../worker/src/worker.js";
import type { CaseEnvironment } from "../../src/conformance-suite/case-environment.js";
import { summarize } from "../../src/conformance-suite/case-outcome.js";
import { knownFailing } from "../../src/conformance-suite/known-failing.js";
import { loadCaseDir, parseCaseFile } from "../../src/conformance-suite/load-cases.js";
import { shippedSuitePaths } from "../../src/conformance-suite/package-paths.js";
import { peerProducer } from "../../src/conformance-suite/peer-producer.js";
import { registerPeerTasks } from "../../src/conformance-suite/peer-tasks.js";
import { runCase } from "../../src/conformance-suite/run-case.js";
import { runSuite } from "../../src/conformance-suite/run-suite.js";
import { WorkerRunLog } from "../../src/conformance-suite/worker-run-log.js";

function refusal(text: string): string {
  try {
    parseCaseFile(text, "beat.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  return "(accepted)";
}

describe("beat cases: validation", () => {
  it("the shipped beat cases load as schedule and awaited-task inputs", async () => {
    const cases = (await loadCaseDir(shippedSuitePaths().caseDir)).filter((c) => c.direction.includes("beat"));
    assert.ok(cases.some((c) => c.direction === "ts-beat-to-celery" && c.input.kind === "beat-schedule" && c.expect.sends?.min === 2));
    assert.ok(cases.some((c) => c.direction === "celery-beat-to-ts" && c.input.kind === "beat-task" && c.features.beat?.[0] === "celery"));
  });

  it("a malformed beat case is refused naming the field", () => {
    const ts = (input: string, expect: string): string =>
      refusal(`cases:\n  - name: ts-beat-to-celery/x\n    direction: ts-beat-to-celery\n    input: ${input}\n    expect: ${expect}\n`);
    const entry = "{ entries: { e: { task: peer.noop, schedule: { every: 1 } } } }";
    assert.equal(ts(entry, "{ state: SUCCESS }"), "(accepted)");
    assert.match(ts("{ task: peer.noop }", "{ state: SUCCESS }"), /\(ts-beat-to-celery\/x\): input\.task: unknown field for a beat schedule/);
    assert.match(ts("{ entries: {} }", "{ state: SUCCESS }"), /input\.entries: must be a non-empty mapping/);
    assert.match(ts("{ entries: { e: { task: peer.noop, schedule: { every: -1 } } } }", "{ state: SUCCESS }"), /input: schedule invalid: \/entries\/e/);
    assert.match(ts(entry, "{ state: SUCCESS, sends: { min: 0 } }"), /expect\.sends\.min: must be a positive integer/);
    assert.match(ts(entry, "{ state: SUCCESS, interval: { min: 1 } }"), /expect\.interval: needs expect\.sends\.min of at least 2/);
    const celery = (input: string, expect: string): string =>
      refusal(`cases:\n  - name: celery-beat-to-ts/x\n    direction: celery-beat-to-ts\n    input: ${input}\n    expect: ${expect}\n`);
    assert.equal(celery("{ task: peer.echo, args: [a] }", "{ result: { args: [a], kwargs: {} } }"), "(accepted)");
    assert.match(celery("{ task: peer.echo, options: {} }", "{ state: SUCCESS }"), /input\.options: unknown field for a celery-beat-to-ts case/);
    assert.match(celery("{ task: peer.echo }", "{ state: SUCCESS, sends: { min: 2 } }"), /expect\.sends: only ts-beat-to-celery cases have it/);
    assert.match(celery("{ task: peer.echo }", "{ state: SUCCESS, elapsed: { max: 1 } }"), /expect\.elapsed: a celery-beat-to-ts case has no send time/);
  });
});

describe("beat drivers on the memory transport (our worker as the peer)", { timeout: 60_000 }, () => {
  let client: Client;
  let worker: Worker;
  let env: CaseEnvironment;
  const runs = new WorkerRunLog();

  before(async () => {
    const transport = new MemoryTransport();
    client = await createClient({ broker: transport, backend: "rpc://" });
    worker = createWorker({
      broker: transport,
      backend: "rpc://",
      queues: ["peer-q", "ts-q"],
      hostname: "peer@memory",
      mingle: false,
      heartbeat: false,
      logger: createCeleryLogger({ write: () => undefined }),
    });
    registerPeerTasks(worker.registry, runs);
    await worker.start();
    env = {
      client,
      peer: peerProducer("http://127.0.0.1:9"),
      peerQueue: "peer-q",
      tsQueue: "ts-q",
      peerNode: "peer@memory",
      mailbox: {},
      ensureWorker: async () => undefined,
      workerRuns: runs,
    };
  });

  after(async () => {
    await worker.stop();
    await client.close();
  });

  it("the shipped ts-beat-to-celery cases pass: our beat's sends run on the peer queue, a second apart", async () => {
    const cases = await loadCaseDir(shippedSuitePaths().caseDir);
    const report = await runSuite(cases, {
      features: {},
      knownFailing: knownFailing([]),
      select: ["ts-beat-to-celery/*"],
      timeoutMs: 10_000,
      run: (c, ms) => runCase(env, c, ms),
    });
    assert.equal(summarize(report).failed, 0, report.outcomes.map((o) => o.message ?? "").join("\n"));
    assert.ok(report.outcomes.length >= 2);
  });

  it("a wrong interval or result fails naming each send", async () => {
    const cases = parseCaseFile(
      `cases:
  - name: ts-beat-to-celery/wrong
    direction: ts-beat-to-celery
    input: { entries: { e: { task: peer.add, schedule: { every: 0.5 }, args: [1, 2] } } }
    expect: { result: 4, sends: { min: 2 }, interval: { min: 1 } }
`,
      "wrong.yaml",
    );
    const report = await runSuite(cases, { features: {}, knownFailing: knownFailing([]), timeoutMs: 10_000, run: (c, ms) => runCase(env, c, ms) });
    const message = report.outcomes[0]?.message ?? "";
    assert.match(message, /sends\[0\]\.result: expected 4, got 3/);
    assert.match(message, /sends\[1\]\.result: expected 4, got 3/);
    assert.match(message, /interval\[0\]: expected 1\.\.∞ s between sends 0 and 1, got 0\.\d\d s/);
  });

  it("celery-beat-to-ts: the run our worker recorded is checked; none within the time fails saying what to check", async () => {
    const cases = await loadCaseDir(shippedSuitePaths().caseDir);
    setTimeout(() => void client.enqueue("peer.echo", ["from-celery-beat"], {}, { queue: "ts-q" }), 300);
    const report = await runSuite(cases, {
      features: {},
      knownFailing: knownFailing([]),
      select: ["celery-beat-to-ts/*"],
      timeoutMs: 10_000,
      run: (c, ms) => runCase(env, c, ms),
    });
    assert.equal(summarize(report).failed, 0, report.outcomes.map((o) => o.message ?? "").join("\n"));
    const none = parseCaseFile(
      "cases:\n  - { name: celery-beat-to-ts/none, direction: celery-beat-to-ts, timeout: 1, input: { task: peer.echo, args: [nobody] }, expect: { state: SUCCESS } }\n",
      "none.yaml",
    );
    const failed = await runSuite(none, { features: {}, knownFailing: knownFailing([]), timeoutMs: 10_000, run: (c, ms) => runCase(env, c, ms) });
    assert.equal(
      failed.outcomes[0]?.message,
      'celery-beat-to-ts/none: error: no task from Celery beat within 1.0 s (awaited peer.echo("nobody") on our worker\'s queue ts-q): ' +
        "is the peer's beat role running with PEER_BEAT_QUEUE=ts-q?",
    );
  });
});
