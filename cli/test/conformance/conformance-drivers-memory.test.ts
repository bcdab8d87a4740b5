// The drivers without brokers: on the memory transport, with our own worker (the TypeScript peer tasks) standing in
// for the Celery peer, the shipped ts-to-celery and control cases run through the real runner (client, canvas,
// rpc:// results, remote control) and pass; a wrong expectation fails naming the field. The Celery side is the live
// test's (conformance/tests/conformance-runner.test.ts).
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

describe("conformance drivers on the memory transport (our worker as the peer)", { timeout: 60_000 }, () => {
  let client: Client;
  let worker: Worker;
  let env: CaseEnvironment;

  before(async () => {
    const transport = new MemoryTransport();
    client = await createClient({ broker: transport, backend: "rpc://" });
    worker = createWorker({
      broker: transport,
      backend: "rpc://",
      queues: ["peer-q"],
      hostname: "peer@memory",
      mingle: false,
      heartbeat: false,
      accept: ["json", "msgpack", "yaml"],
      logger: createCeleryLogger({ write: () => undefined }),
    });
    registerPeerTasks(worker.registry);
    await worker.start();
    env = {
      client,
      peer: peerProducer("http://127.0.0.1:9"),
      peerQueue: "peer-q",
      tsQueue: "ts-q",
      peerNode: "peer@memory",
      mailbox: {},
      ensureWorker: async () => undefined,
    };
  });

  after(async () => {
    await worker.stop();
    await client.close();
  });

  it("the shipped ts-to-celery cases and ping / active_queues / registered pass; chords and callbacks need a Redis backend and are skipped", async () => {
    const cases = await loadCaseDir(shippedSuitePaths().caseDir);
    const report = await runSuite(cases, {
      features: { direction: ["ts-to-celery", "control"], result_backend: ["rpc"] },
      knownFailing: knownFailing([]),
      // control/stats: the memory transport has no broker host to report.
      select: ["ts-to-celery/*", "control/ping", "control/active-queues", "control/registered"],
      timeoutMs: 10_000,
      run: (c, ms) => runCase(env, c, ms),
    });
    const s = summarize(report);
    assert.equal(s.failed, 0, report.outcomes.map((o) => o.message ?? "").join("\n"));
    assert.deepEqual(
      report.outcomes.filter((o) => o.status === "skipped").map((o) => o.case.name),
      [
        "ts-to-celery/chord",
        "ts-to-celery/link",
        "ts-to-celery/ignore-result",
        "ts-to-celery/link-error",
        "ts-to-celery/chord-of-10",
        "ts-to-celery/chain-with-chord",
        "ts-to-celery/chain-from-group",
      ],
    );
    assert.ok(s.passed >= 17, String(s.passed));
  });

  it("a wrong expected value fails naming the case and the field", async () => {
    const cases = parseCaseFile(
      `cases:
  - name: ts-to-celery/echo-wrong
    direction: ts-to-celery
    input: { task: peer.echo, args: [1], kwargs: { when: "2026-01-02T03:04:05" } }
    expect: { result: { args: [1], kwargs: { when: "2026-01-02 03:04:05" } } }
  - { name: ts-to-celery/fail-wrong, direction: ts-to-celery, input: { task: peer.fail }, expect: { error: { type: KeyError } } }
  - { name: control/ping-wrong, direction: control, input: { method: ping }, expect: { replies: { each: { ok: pang } } } }
`,
      "wrong.yaml",
    );
    const report = await runSuite(cases, { features: {}, knownFailing: knownFailing([]), timeoutMs: 10_000, run: (c, ms) => runCase(env, c, ms) });
    assert.deepEqual(
      report.outcomes.map((o) => o.message),
      [
        'ts-to-celery/echo-wrong: result.kwargs.when: expected "2026-01-02 03:04:05", got "2026-01-02T03:04:05"',
        'ts-to-celery/fail-wrong: error.type: expected "KeyError", got "ValueError"',
        'control/ping-wrong: replies["peer@memory"].ok: expected "pang", got "pong"',
      ],
    );
  });
});
