// Message signing with Celery 5.3/5.4, whose `auth` serializer lays the signed body out differently from 5.5+ (the
// signer and signature raw, not base64; C:celery/security/serialization.py of 5.3): REAL Celery 5.3 with
// `app.setup_security()` on Redis. Its signed tasks run on our worker (which reads both layouts); a client signing in
// the 5.3 layout (`authLayout: "5.3"`) is run by a Celery 5.3 worker, and one signing in the default (5.5+) layout is
// refused by it, which is why the option exists.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { createWorker } from "../../worker/src/create-worker.js";
import { loadTaskModule } from "../../worker/src/load-task-module.js";
import { createCeleryLogger } from "../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../worker/src/worker.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonWorker } from "../harness/python-worker.js";
import { AUTH_SETTINGS, runAuthClient } from "../harness/auth-client.js";
import { runCelery } from "./worker-control-python.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const VENV = ".venv-5.3";
const BROKER = redisDbUrl(2);
const BACKEND = redisDbUrl(3);
const AUTH = AUTH_SETTINGS;

describe("auth (message signing) with Python Celery 5.3 (redis)", { timeout: 120_000 }, () => {
  const tsQueue = `t-auth53-ts-${process.pid}`;
  const pyQueue = `t-auth53-py-${process.pid}`;
  const lines: string[] = [];
  let worker: Worker;
  let python: PythonWorker;
  let legacyClient: Client;
  let currentClient: Client;

  before(async () => {
    worker = createWorker({
      broker: BROKER,
      backend: BACKEND,
      queues: [tsQueue],
      config: AUTH,
      concurrency: 2,
      hostname: `t-auth53-${process.pid}@%h`,
      logger: createCeleryLogger({ level: "INFO", write: (t) => lines.push(t) }),
      mingle: false,
      heartbeat: false,
      gossip: false,
    });
    await loadTaskModule("conformance/ts-tasks/conformance-tasks.ts", worker.registry);
    [python] = await Promise.all([
      PythonWorker.start({
        brokerUrl: BROKER,
        resultBackend: BACKEND,
        queue: pyQueue,
        venv: VENV,
        nodeName: `t-auth53-py-${process.pid}@${os.hostname()}`,
        extraEnv: { CONFORMANCE_AUTH: "1" },
      }),
      worker.start(),
    ]);
    legacyClient = await createClient({ broker: BROKER, backend: BACKEND, config: AUTH, authLayout: "5.3" });
    currentClient = await createClient({ broker: BROKER, backend: BACKEND, config: AUTH });
  });

  after(async () => {
    await Promise.allSettled([worker?.stop(), python?.stop(), legacyClient?.close(), currentClient?.close()]);
  });

  it("Celery 5.3's signed tasks run on our worker", async () => {
    const out = await runAuthClient(VENV, BROKER, BACKEND, {
      queue: tsQueue,
      timeout: 20,
      signed: [
        [2, 3],
        [40, 2],
      ],
      unsigned: [],
    });
    assert.deepEqual(
      out.signed.map((r) => r.value),
      [5, 42],
      lines.join(""),
    );
  });

  it("a Celery 5.3 worker runs what we sign in its layout and refuses the 5.5+ layout, running nothing of it", async () => {
    assert.equal(await (await legacyClient.enqueue("conformance.add", [20, 22], {}, { queue: pyQueue })).get({ timeoutMs: 20_000 }), 42);
    const current = await currentClient.enqueue("conformance.add", [1, 1], {}, { queue: pyQueue });
    const deadline = Date.now() + 20_000;
    while (!python.log.includes(current.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(python.log, new RegExp(`CRITICAL/MainProcess\\] Can't decode message body: .*SecurityError.*'id': '${current.id}'`));
    assert.equal(await currentClient.result(current.id).state(), "PENDING");
  });

  it("--auth-layout 5.3: proto worker answers Celery 5.3's signed `celery inspect ping`, and proto inspect's signed ping is answered by Celery 5.3 (not in the 5.5 layout)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "auth53-"));
    const config = path.join(dir, "celeryconfig.json");
    writeFileSync(config, JSON.stringify(AUTH));
    const node = `t-auth53-cli-${process.pid}@${os.hostname()}`;
    const cli = await ProtoWorkerProcess.start([
      ...["-A", "conformance/ts-tasks/conformance-tasks.ts", "--config", config, "-b", BROKER, "--backend", BACKEND],
      ...["-Q", `${tsQueue}-cli`, "-n", node, "--without-mingle", "--without-gossip", "--auth-layout", "5.3", "-l", "info"],
    ]);
    try {
      const r = await runCelery({ brokerUrl: BROKER, resultBackend: BACKEND }, ["inspect", "ping", "-d", node, "--json", "-t", "5"], VENV, {
        CONFORMANCE_AUTH: "1",
      });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${cli.log}`);
      assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}"), { [node]: { ok: "pong" } });
      // And the other way: proto inspect --auth-layout 5.3 pings the Celery 5.3 worker and verifies its reply.
      const pyNode = `t-auth53-py-${process.pid}@${os.hostname()}`;
      for (const layout of ["5.3", "5.5"] as const) {
        const run = spawnSync(
          process.execPath,
          [
            ...["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), "inspect", "ping", "--config", config],
            ...["-b", BROKER, "-d", pyNode, "-t", "3", "--json", "--auth-layout", layout],
          ],
          { cwd: ROOT, encoding: "utf8" },
        );
        if (layout === "5.3") {
          assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
          assert.deepEqual(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}"), { [pyNode]: { ok: "pong" } });
        } else {
          assert.equal(run.status, 69, "a Celery 5.3 worker cannot read the 5.5 layout, so it does not answer");
        }
      }
    } finally {
      await cli.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
