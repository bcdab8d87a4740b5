// `--catalog` cases without brokers: the typed example's catalog (examples/typed/catalog.json) as cases, run through
// the suite runner on the memory transport against our worker implementing its five tasks, by our client and by a
// stand-in for the peer's producer; all pass. A stats implementation returning the mean as a string fails every
// typed.stats case naming the field, and a --cases glob and the known-failing list apply to catalog cases as to any.
// The real Celery and proto workers are the live test's (conformance/tests/conformance-catalog.test.ts).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Client } from "../../../sdk/src/client/client.js";
import { createClient } from "../../../sdk/src/client/create-client.js";
import { MemoryTransport } from "../../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../../../worker/src/create-worker.js";
import type { Worker } from "../../../worker/src/worker.js";
import type { CaseEnvironment } from "../../src/conformance-suite/case-environment.js";
import { summarize } from "../../src/conformance-suite/case-outcome.js";
import { loadCatalogCases, type CatalogCases } from "../../src/conformance-suite/catalog-cases.js";
import { knownFailing } from "../../src/conformance-suite/known-failing.js";
import type { PeerProducer } from "../../src/conformance-suite/peer-producer.js";
import { runSuite } from "../../src/conformance-suite/run-suite.js";

const CATALOG = path.resolve(import.meta.dirname, "../../../examples/typed/catalog.json");
const num = (v: unknown): number => v as number;

describe("--catalog cases on the memory transport", { timeout: 60_000 }, () => {
  let client: Client;
  let worker: Worker;
  let env: CaseEnvironment;
  let catalog: CatalogCases;
  let wrongStats = false;

  before(async () => {
    const transport = new MemoryTransport();
    // The Python tasks' queue (the default) and the TypeScript ones' (options.queue).
    const queues = ["celery", "typed-ts"];
    worker = createWorker({ broker: transport, backend: "rpc://", queues, hostname: "typed@memory", mingle: false, heartbeat: false });
    client = await createClient({ broker: transport, backend: "rpc://" });
    worker.registry.register("typed.add", ([x, y]) => num(x) + num(y));
    worker.registry.register("typed.mul", ([x, y]) => num(x) * num(y));
    worker.registry.register("typed.describe_point", ([p], { label }) => {
      const point = p as { x: number; y: number };
      return `${label === undefined || label === null ? "" : `${String(label)} `}(${point.x}, ${point.y})`;
    });
    worker.registry.register("typed.shout", ([text, times = 1]) => Array.from({ length: num(times) }, () => String(text).toUpperCase()).join(" "));
    worker.registry.register("typed.stats", ([numbers]) => {
      const list = numbers as number[];
      const sum = list.reduce((total, n) => total + n, 0);
      return { count: list.length, sum, mean: wrongStats ? String(sum / list.length) : sum / list.length };
    });
    await worker.start();
    // Stands in for the Celery peer's producer: sends and reads results with our client.
    const peer: PeerProducer = {
      url: "memory://peer",
      health: async () => ({ ok: true }),
      send: async (task, args, kwargs, options) => (await client.enqueue(task, args, kwargs, { queue: options["queue"] as string | undefined })).id,
      canvas: async () => {
        throw new Error("not used");
      },
      result: async (id, timeoutSeconds) => {
        const handle = client.result(id);
        const value = await handle.get({ timeoutMs: timeoutSeconds * 1000, propagate: false });
        return { state: await handle.state(), result: value };
      },
    };
    env = { client, peer, peerQueue: "unused", tsQueue: "unused", peerNode: null, mailbox: {}, ensureWorker: async () => undefined };
    catalog = await loadCatalogCases(CATALOG, undefined);
  });

  after(async () => {
    await worker.stop();
    await client.close();
  });

  const run = async (select: readonly string[], known: readonly string[] = []) =>
    runSuite(await catalog.casesFor(env, () => undefined), {
      features: {},
      knownFailing: knownFailing(known),
      select,
      timeoutMs: 10_000,
      run: (c, timeoutMs) => catalog.run(env, c, timeoutMs),
    });

  it("makes a case per task and vector, by our client and by the peer's producer, routed by the catalog's options.queue", () => {
    const names = catalog.cases.map((c) => c.name);
    for (const task of ["typed.add", "typed.mul", "typed.describe_point", "typed.shout", "typed.stats"]) {
      assert.ok(names.includes(`catalog/${task}/minimal`), task);
      assert.ok(names.includes(`catalog/${task}/all/celery-producer`), task);
    }
    const stats = catalog.cases.find((c) => c.name === "catalog/typed.stats/minimal");
    assert.deepEqual(stats?.input, { kind: "task", task: "typed.stats", args: [[0]], kwargs: {}, options: { queue: "typed-ts" } });
    assert.deepEqual(catalog.cases.find((c) => c.name === "catalog/typed.add/minimal")?.input, {
      kind: "task",
      task: "typed.add",
      args: [0, 0],
      kwargs: {},
      options: {},
    });
  });

  it("every case passes against implementations that keep the catalog's types", async () => {
    const report = await run([]);
    const counts = summarize(report);
    assert.equal(counts.total, catalog.cases.length);
    assert.equal(counts.passed, counts.total, report.outcomes.map((o) => o.message).join("\n"));
  });

  it("a stats returning the mean as a string fails each typed.stats case naming the field; --cases and known-failing apply", async () => {
    wrongStats = true;
    try {
      const report = await run(["catalog/typed.stats/**"]);
      assert.ok(report.outcomes.length > 2);
      assert.ok(report.outcomes.every((o) => o.status === "failed" && o.case.name.startsWith("catalog/typed.stats/")));
      const minimal = report.outcomes.find((o) => o.case.name === "catalog/typed.stats/minimal");
      assert.equal(minimal?.message, 'catalog/typed.stats/minimal: result/mean: must be number, got "0"');
      const known = await run(["catalog/typed.stats/minimal"], ["catalog/typed.stats/*"]);
      assert.deepEqual(
        known.outcomes.map((o) => o.status),
        ["known-failing"],
      );
    } finally {
      wrongStats = false;
    }
  });
});
