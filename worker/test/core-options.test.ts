// Worker options compiled once: Celery's defaults, frozen, every bad option refused naming it; node names as `-n`
// expands them; the -A task module convention.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { compileWorkerOptions } from "../src/compile-worker-options.js";
import { createWorker } from "../src/create-worker.js";
import { expandNodeName } from "../src/expand-node-name.js";
import { loadTaskModule } from "../src/load-task-module.js";
import { DEFAULT_WORKER_OPTIONS, type WorkerOptions } from "../src/worker-options.js";

describe("compileWorkerOptions", () => {
  it("applies Celery's defaults and freezes the result", () => {
    const o = compileWorkerOptions({}, {});
    assert.equal(o.broker, "amqp://guest:guest@localhost:5672//");
    assert.equal(o.backend, null);
    assert.deepEqual(
      o.queues.map((q) => [q.name, q.exchange?.name, q.routingKey]),
      [["celery", "celery", "celery"]],
    );
    assert.equal(o.concurrency, 50, "the async pool's own default");
    assert.equal(
      compileWorkerOptions({ pool: "process", taskModule: "./tasks.js" }, {}).concurrency,
      os.availableParallelism(),
      "the process pool's: Celery's",
    );
    assert.equal(o.prefetchMultiplier, 4);
    assert.equal(o.hostname, `celery@${os.hostname()}`);
    assert.equal(o.pool, "async");
    assert.equal(o.events, false);
    assert.deepEqual(o.accept, ["json"]);
    assert.equal(o.logLevel, "WARNING");
    assert.equal(o.heartbeat, true);
    assert.equal(o.mingle, true);
    assert.ok(Object.isFrozen(o) && Object.isFrozen(o.queues) && Object.isFrozen(DEFAULT_WORKER_OPTIONS));
    assert.throws(() => ((o as { concurrency: number }).concurrency = 3));
  });

  it("loads message signing from the security_* settings: a verifier when auth is accepted, a signer when tasks are signed", () => {
    const fixtures = path.resolve(import.meta.dirname, "../../conformance/fixtures/security-test-only");
    const store = path.join(fixtures, "store");
    assert.equal(compileWorkerOptions({}, {}).verifier, null);
    const verifying = compileWorkerOptions({ config: { accept_content: ["json", "auth"], security_cert_store: store } }, {});
    assert.deepEqual(verifying.verifier?.trusted, ["XX celery-proto test only celery-proto test CA 4242"]);
    assert.equal(verifying.signer, null);
    const signing = compileWorkerOptions(
      {
        config: {
          task_serializer: "auth",
          accept_content: ["auth"],
          security_key: path.join(fixtures, "signer-key.pem"),
          security_certificate: path.join(fixtures, "signer-cert.pem"),
          security_cert_store: store,
        },
      },
      {},
    );
    assert.equal(signing.signer?.signerId, "XX celery-proto test only celery-proto test CA 4242");
    assert.throws(
      () => compileWorkerOptions({ accept: ["auth"] }, {}),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /^security_cert_store: not set/.test(e.message),
    );
    assert.throws(
      () => compileWorkerOptions({ config: { task_serializer: "auth", security_cert_store: store } }, {}),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /^security_key: not set/.test(e.message),
    );
  });

  it("reads CELERY_BROKER_URL and CELERY_RESULT_BACKEND", () => {
    const o = compileWorkerOptions({}, { CELERY_BROKER_URL: "redis://h:1/2", CELERY_RESULT_BACKEND: "redis://h:1/3" });
    assert.equal(o.broker, "redis://h:1/2");
    assert.equal(o.backend, "redis://h:1/3");
    assert.equal(compileWorkerOptions({ backend: null }, { CELERY_RESULT_BACKEND: "redis://x" }).backend, null);
  });

  const bad: ReadonlyArray<readonly [string, WorkerOptions]> = [
    ["concurrency", { concurrency: 0 }],
    ["concurrency", { concurrency: 1.5 }],
    ["prefetchMultiplier", { prefetchMultiplier: -1 }],
    ["etaTaskLimit", { etaTaskLimit: 0 }],
    ["pool", { pool: "threads" as "async" }],
    ["hostname", { hostname: " " }],
    ["accept", { accept: ["pickle"] }],
    ["accept", { accept: [] }],
    ["logLevel", { logLevel: "LOUD" }],
    ["queues", { queues: [] }],
    ["queues", { queues: ["a", "a"] }],
    ["queues[1]", { queues: ["a", ""] }],
    ["events", { events: "yes" as unknown as boolean }],
    ["taskModule", { pool: "process" }],
    ["broker", { broker: "" }],
    ["brokerTransportOptions", { broker: "amqp://h//", brokerTransportOptions: { visibility_timeout: 10 } }],
    ["brokr", { brokr: "redis://" } as WorkerOptions],
  ];
  for (const [option, options] of bad) {
    it(`refuses a bad ${option} naming it`, () => {
      assert.throws(
        () => compileWorkerOptions(options, {}),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith(`${option}: `),
      );
    });
  }

  it("takes queue specs and log levels in any case", () => {
    const o = compileWorkerOptions({ queues: ["a", { name: "b", maxPriority: 10 }], logLevel: "info" }, {});
    assert.deepEqual(
      o.queues.map((q) => [q.name, q.exchange?.name, q.routingKey, q.maxPriority]),
      [
        ["a", "a", "a", undefined],
        ["b", undefined, undefined, 10],
      ],
    );
    assert.equal(o.logLevel, "INFO");
  });
});

describe("compileWorkerOptions with a configuration (Celery's setting names)", () => {
  const config = {
    CELERY_DEFAULT_QUEUE: "default",
    CELERY_QUEUES: [
      { name: "default", exchange: "default", routing_key: "default" },
      { name: "work", exchange: "default", routing_key: "work", queue_arguments: { "x-max-priority": 9 } },
    ],
    BROKER_URL: "redis://config-host:6379/0",
    CELERYD_CONCURRENCY: 3,
    CELERY_ACKS_LATE: true,
    CELERY_ANNOTATIONS: { "proj.add": { rate_limit: "10/s", acks_late: false }, "*": { time_limit: 30 } },
  };

  it("consumes every queue of task_queues, declared as the app declares them", () => {
    const o = compileWorkerOptions({ config }, {});
    assert.deepEqual(
      o.queues.map((q) => [q.name, q.exchange?.name, q.routingKey, q.arguments?.["x-max-priority"]]),
      [
        ["default", "default", "default", undefined],
        ["work", "default", "work", 9],
      ],
    );
    assert.equal(o.broker, "redis://config-host:6379/0");
    assert.equal(o.concurrency, 3);
  });

  it("-Q names are looked up in task_queues; a missing one is created as Celery does, or refused with create-missing off", () => {
    const o = compileWorkerOptions({ config, queues: ["work", "other"] }, {});
    assert.deepEqual(
      o.queues.map((q) => [q.name, q.exchange?.name, q.routingKey, q.arguments?.["x-max-priority"]]),
      [
        ["work", "default", "work", 9],
        ["other", "other", "other", undefined],
      ],
    );
    assert.throws(
      () => compileWorkerOptions({ config: { ...config, CELERY_CREATE_MISSING_QUEUES: false }, queues: ["other"] }, {}),
      /Queue 'other' missing from task_queues/,
    );
  });

  it("flags win over CELERY_BROKER_URL, which wins over the configuration", () => {
    assert.equal(compileWorkerOptions({ config }, { CELERY_BROKER_URL: "redis://env-host/1" }).broker, "redis://env-host/1");
    assert.equal(compileWorkerOptions({ config, broker: "memory://" }, { CELERY_BROKER_URL: "redis://env-host/1" }).broker, "memory://");
    assert.equal(compileWorkerOptions({ config, concurrency: 5 }, {}).concurrency, 5);
    // Empty variables count as unset, as in Celery.
    assert.equal(compileWorkerOptions({ config }, { CELERY_BROKER_URL: "", CELERY_RESULT_BACKEND: "" }).broker, compileWorkerOptions({ config }, {}).broker);
    assert.equal(compileWorkerOptions({}, { CELERY_BROKER_URL: "" }).broker, compileWorkerOptions({}, {}).broker);
  });

  it("task defaults and task_annotations layer over the tasks' own options as in Celery ('*' set last)", () => {
    const registry = new TaskRegistry();
    registry.register("proj.add", async () => 1, { timeLimit: 5 });
    registry.register("proj.mul", async () => 1, { acksLate: false });
    const worker = createWorker({ config, registry, broker: "memory://", control: false });
    const add = worker.registry.get("proj.add")!.options;
    assert.deepEqual([add.acksLate, add.rateLimit, add.timeLimit], [false, "10/s", 30]);
    const mul = worker.registry.get("proj.mul")!.options;
    assert.deepEqual([mul.acksLate, mul.rateLimit, mul.timeLimit], [false, null, 30]);
    registry.register("proj.late", async () => 1);
    assert.equal(worker.registry.get("proj.late")!.options.acksLate, true);
  });

  it("acks_on_failure and acks_on_timeout default to acks_on_failure_or_timeout before annotations apply, as Celery 5.7's Task.bind", () => {
    // [config, the task's own options] → [acksOnFailureOrTimeout, acksOnFailure, acksOnTimeout] of a plain task and of
    // one registered with acksOnFailureOrTimeout: false, as Celery 5.7 resolves the same app (`t.acks_on_failure`...).
    const cases: ReadonlyArray<readonly [Record<string, unknown>, readonly boolean[], readonly boolean[]]> = [
      [{}, [true, true, true], [false, false, false]],
      [{ task_annotations: { "*": { acks_on_failure_or_timeout: false } } }, [false, true, true], [false, false, false]],
      [{ task_acks_on_failure_or_timeout: false }, [false, false, false], [false, false, false]],
      [{ task_annotations: { "*": { acks_on_failure: false } } }, [true, false, true], [false, false, false]],
      [{ task_acks_on_failure: false }, [true, false, true], [false, false, false]],
      [{ task_acks_on_timeout: false, task_acks_on_failure: true }, [true, true, false], [false, true, false]],
    ];
    for (const [settings, plain, decorated] of cases) {
      const registry = new TaskRegistry();
      registry.register("t.plain", async () => 1);
      registry.register("t.decorated", async () => 1, { acksOnFailureOrTimeout: false });
      const worker = createWorker({ config: settings, registry, broker: "memory://", control: false });
      const acks = (name: string): boolean[] => {
        const o = worker.registry.get(name)!.options;
        return [o.acksOnFailureOrTimeout, o.acksOnFailure, o.acksOnTimeout];
      };
      assert.deepEqual([acks("t.plain"), acks("t.decorated")], [plain, decorated], JSON.stringify(settings));
    }
  });

  it("what resolving raw settings warned about is kept for the start-up log; a resolved configuration's was reported by its loader", () => {
    const o = compileWorkerOptions({ config: { CELERYD_CONCURRENCY: 2, CELERYD_POOL: "solo" } }, {});
    assert.ok(
      o.configWarnings.some((w) => /^worker_pool: not implemented by celery-proto; ignored$/.test(w)),
      JSON.stringify(o.configWarnings),
    );
    assert.deepEqual(compileWorkerOptions({ config: o.config }, {}).configWarnings, []);
  });

  it("result_serializer is every task's result serializer unless the task sets one", () => {
    const registry = new TaskRegistry();
    registry.register("proj.a", async () => 1);
    registry.register("proj.b", async () => 1, { serializer: "json" });
    const worker = createWorker({ config: { result_serializer: "msgpack" }, registry, broker: "memory://", control: false });
    assert.deepEqual([worker.registry.get("proj.a")!.options.serializer, worker.registry.get("proj.b")!.options.serializer], ["msgpack", "json"]);
  });
});

describe("expandNodeName (-n)", () => {
  it("expands %h, %n, %d and defaults the name and the host as Celery does", () => {
    assert.equal(expandNodeName("celery@%h", "box.example.com"), "celery@box.example.com");
    assert.equal(expandNodeName("w1@%n", "box.example.com"), "w1@box");
    assert.equal(expandNodeName("w1@%d", "box.example.com"), "w1@example.com");
    assert.equal(expandNodeName("w%i@%h", "box"), "w0@box");
    assert.equal(expandNodeName("worker1", "box"), "celery@worker1");
    assert.equal(expandNodeName("w1@", "box"), "w1@box");
    assert.equal(expandNodeName("a%%b@h", "box"), "a%b@h");
  });
});

describe("loadTaskModule (-A)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wcore-app-"));
  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return name;
  };

  it("takes a `tasks` export (handlers and {handler, options}), relative to cwd, extension optional", async () => {
    write("tasks-map.mjs", 'export const tasks = { "a.add": ([x, y]) => x + y, "a.late": { handler: () => 1, options: { acksLate: true } } };');
    const registry = new TaskRegistry();
    const file = await loadTaskModule("./tasks-map", registry, dir);
    assert.equal(file, path.join(dir, "tasks-map.mjs"));
    assert.deepEqual(registry.names(), ["a.add", "a.late"]);
    assert.equal(registry.get("a.late")?.options.acksLate, true);
  });

  it("takes a `register(registry)` export, and either form as the default export", async () => {
    write("register.mjs", 'export async function register(r) { r.register("b.one", () => 1); }');
    write("default-fn.mjs", 'export default (r) => r.register("c.one", () => 1);');
    write("default-map.mjs", 'export default { "d.one": () => 1 };');
    for (const [file, name] of [
      ["register.mjs", "b.one"],
      ["default-fn.mjs", "c.one"],
      ["default-map.mjs", "d.one"],
    ] as const) {
      const registry = new TaskRegistry();
      await loadTaskModule(file, registry, dir);
      assert.deepEqual(registry.names(), [name]);
    }
  });

  it("refuses a missing module, a failing import and a module exporting neither, naming `app`", async () => {
    write("empty.mjs", "export const nothing = 1;");
    write("broken.mjs", "throw new Error('kaboom');");
    for (const [spec, pattern] of [
      ["nope.mjs", /no module at/],
      ["broken.mjs", /cannot import .*kaboom/],
      ["empty.mjs", /exports neither register\(registry\) nor tasks/],
    ] as const) {
      await assert.rejects(
        loadTaskModule(spec, new TaskRegistry(), dir),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.startsWith("app: ") && pattern.test(e.message),
      );
    }
  });
});
