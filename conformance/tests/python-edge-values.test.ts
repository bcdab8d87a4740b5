// Values at the edges of what JS and Python share, through real Celery on Redis, where `proto conformance run`'s cases
// do not reach: thrown values that are not Errors (`throw {code: 42}`) and the failure tracebacks our worker stores,
// in both pools, as Python's `AsyncResult.get()` reads them; NaN, ±Infinity and integers beyond 2^53 from Python
// through the process pool (the runner's worker runs the async pool), and through our own producer, worker and
// result reader. NaN, ±Infinity and big integers between Python and our async-pool worker or our client run as
// conformance cases (conformance/cases/edge-values.yaml).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "../../sdk/src/client/client.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { runCeleryClient, type ClientCommand, type ClientResult } from "../harness/celery-client-script.js";

const BROKER = redisDbUrl(14);
const BACKEND = redisDbUrl(15);
const TASKS = "conformance/ts-tasks/conformance-tasks.ts";

for (const pool of ["async", "process"] as const) {
  describe(`TS worker (${pool} pool) ← Python Celery: thrown values, tracebacks, non-finite floats`, { timeout: 90_000 }, () => {
    const queue = `t-edge-${process.pid}-${pool}`;
    const command = (extra: Partial<ClientCommand>): ClientCommand => ({ broker: BROKER, backend: BACKEND, queue, timeout: 15, ...extra });
    const lines: string[] = [];
    let worker: Worker;
    let client: Client;

    before(async () => {
      worker = createWorker({
        broker: BROKER,
        backend: BACKEND,
        queues: [queue],
        concurrency: 2,
        pool,
        taskModule: TASKS,
        hostname: `t-edge-${process.pid}-${pool}@%h`,
        logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
        mingle: false,
        heartbeat: false,
      });
      await loadTaskModule(TASKS, worker.registry);
      await worker.start();
      client = await createClient({ broker: BROKER, backend: BACKEND, defaultQueue: queue });
    });

    after(async () => {
      await client?.close();
      await worker?.stop();
    });

    it("a thrown non-Error value reaches Python as Exception(value), as Celery stores it", async () => {
      const values = ['{"code": 42}', '"text"', "42", "null"];
      const results = await runCeleryClient("call", command({ calls: values.map((v) => ({ task: "wcore.throw_value", args: `[${v}]` })) }));
      assert.deepEqual(results.map(failure), [
        { state: "FAILURE", exc_type: "Exception", exc_module: "builtins", exc_repr: "Exception({'code': 42})", exc_str: "{'code': 42}" },
        { state: "FAILURE", exc_type: "Exception", exc_module: "builtins", exc_repr: "Exception('text')", exc_str: "text" },
        { state: "FAILURE", exc_type: "Exception", exc_module: "builtins", exc_repr: "Exception(42)", exc_str: "42" },
        { state: "FAILURE", exc_type: "Exception", exc_module: "builtins", exc_repr: "Exception(None)", exc_str: "None" },
      ]);
      const log = lines.join("");
      assert.match(log, new RegExp(`Task wcore.throw_value\\[${results[0]?.id}\\] raised unexpected: Exception\\(\\{'code': 42\\}\\)`));
      assert.match(log, /Exception: \{'code': 42\}\n/, "the logged traceback ends with str(exc)");
    });

    it("the stored traceback starts at the task module, without the worker's own frames", async () => {
      const [fail] = await runCeleryClient("call", command({ calls: [{ task: "conformance.fail", args: '["boom"]' }] }));
      assert.ok(fail !== undefined && !fail.ok, JSON.stringify(fail));
      const frames = (fail.traceback ?? "").split("\n").filter((l) => l.startsWith("  File "));
      assert.ok(frames.length >= 1, fail.traceback ?? "no traceback");
      assert.match(frames[0]!, /conformance\/ts-tasks\/conformance-tasks\.ts", line \d+, in /, fail.traceback ?? "");
      for (const frame of frames) assert.doesNotMatch(frame, /\/(dist|sdk\/src|worker\/src|cli\/src)\/|node:internal/, fail.traceback ?? "");
      assert.match(fail.traceback ?? "", /\nValueError: boom\n$/);
    });

    it("NaN, ±Infinity and big integers: our own producer, worker and reader (stored as Python's json writes them)", async () => {
      const own = await Promise.all([NaN, Infinity, -Infinity].map(async (v) => (await client.enqueue("wcore.identity", [v])).get({ timeoutMs: 10_000 })));
      assert.deepEqual(own, [NaN, Infinity, -Infinity]);
    });

    it("NaN, ±Infinity and big integers from Python: read back by Python and by our reader", {
      skip: pool === "async" && "runs as edge-values.yaml's conformance cases",
    }, async () => {
      const values = ["NaN", "Infinity", "-Infinity"];
      const results = await runCeleryClient("call", command({ calls: values.map((v) => ({ task: "wcore.identity", args: `[${v}]` })) }));
      assert.deepEqual(
        results.map((r) => (r.ok ? r.value : r)),
        [
          { py_type: "float", repr: "nan", str: "nan" },
          { py_type: "float", repr: "inf", str: "inf" },
          { py_type: "float", repr: "-inf", str: "-inf" },
        ],
      );
      const read = await Promise.all(results.map((r) => client.result(r.id).get({ timeoutMs: 10_000 })));
      assert.deepEqual(read, [NaN, Infinity, -Infinity]);
      // A Python int beyond 2^53 reaches the handler as a bigint and goes back to Python as the same int.
      const [big, types] = await runCeleryClient(
        "call",
        command({
          calls: [
            { task: "wcore.identity", args: "[18446744073709551616]" },
            { task: "wcore.types", args: "[18446744073709551616, 7]" },
          ],
        }),
      );
      assert.deepEqual(big?.ok ? big.value : big, { py_type: "int", repr: "18446744073709551616", str: "18446744073709551616" });
      assert.deepEqual(types?.ok ? (types.value as { types: string[] }).types : types, ["bigint", "number"]);
    });
  });
}

function failure(r: ClientResult): Record<string, unknown> {
  assert.ok(!r.ok, JSON.stringify(r));
  return { state: r.state, exc_type: r.exc_type, exc_module: r.exc_module, exc_repr: r.exc_repr, exc_str: r.exc_str };
}
