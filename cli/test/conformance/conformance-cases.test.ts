// The conformance suite as data: the shipped cases load; a malformed case file is refused naming the file, the case
// and the field; features, interpolation and canvases come out as the drivers need them.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { buildCanvas } from "../../src/conformance-suite/build-canvas.js";
import { checkObservation } from "../../src/conformance-suite/check-observation.js";
import { checkEvents } from "../../src/conformance-suite/check-events.js";
import { DIRECTIONS, type EventExpectation } from "../../src/conformance-suite/conformance-case.js";
import { loadFeatureFile, narrowFeatures, parseFeatureFlags } from "../../src/conformance-suite/implementation-features.js";
import { interpolate } from "../../src/conformance-suite/interpolate.js";
import { loadCaseDir, parseCaseFile } from "../../src/conformance-suite/load-cases.js";
import { unmetFeatures } from "../../src/conformance-suite/match-features.js";
import { packageRoot, shippedSuitePaths } from "../../src/conformance-suite/package-paths.js";
import { prepareTaskInput } from "../../src/conformance-suite/prepare-task-input.js";
import { runFeatures } from "../../src/conformance-suite/run-features.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");

const refusal = (text: string): string => {
  try {
    parseCaseFile(text, "cases/x.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail("expected the case file to be refused");
};

describe("conformance cases: loading and validation", () => {
  it("the shipped cases load: unique path-like names, every direction, the features file declares every feature they use", async () => {
    assert.equal(packageRoot(), ROOT);
    const shipped = shippedSuitePaths();
    const cases = await loadCaseDir(shipped.caseDir);
    assert.ok(cases.length >= 15, `${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    for (const d of DIRECTIONS)
      assert.ok(
        cases.some((c) => c.direction === d),
        d,
      );
    for (const c of cases) assert.ok(c.name.startsWith(`${c.direction}/`), c.name);
    const declared = await loadFeatureFile(shipped.features);
    for (const c of cases) assert.equal(unmetFeatures(c, declared), null, c.name);
  });

  it("a malformed case is refused naming the file, the case and the field", () => {
    const head = "cases:\n  - name: ts-to-celery/x\n    direction: ts-to-celery\n";
    assert.equal(
      refusal(`${head}    input: { task: peer.add }\n    expect: { error: { type: 3 } }\n`),
      "cases/x.yaml: cases[0] (ts-to-celery/x): expect.error.type: must be an exception class name",
    );
    assert.equal(
      refusal("cases:\n  - name: a/b\n    direction: sideways\n    input: {}\n    expect: {}\n"),
      "cases/x.yaml: cases[0] (a/b): direction: must be one of ts-to-celery, celery-to-ts, control, ts-beat-to-celery, celery-beat-to-ts, events",
    );
    assert.match(
      refusal(`${head}    input: { task: peer.add }\n    expect: { result: 1 }\n    expct: {}\n`),
      /cases\[0\] \(ts-to-celery\/x\): expct: unknown field/,
    );
    assert.match(
      refusal(`${head}    input: { task: peer.add, options: { countdwn: 1 } }\n    expect: { result: 1 }\n`),
      /input\.options\.countdwn: unknown send option/,
    );
    assert.match(refusal(`${head}    input: { task: peer.add }\n    expect: { result: 1, link: { result: 2 } }\n`), /expect\.link: needs input\.options\.link/);
    assert.match(refusal(`${head}    input: { canvas: { chain: [] } }\n    expect: { result: 1 }\n`), /input\.canvas\.chain: must be a non-empty list/);
    assert.match(
      refusal(`${head}    input: { task: peer.add }\n    expect: { result: 1, error: { type: E } }\n`),
      /expect: `result` and `error` exclude each other/,
    );
    assert.match(
      refusal(`${head}    features: { serialiser: json }\n    input: { task: peer.add }\n    expect: { result: 1 }\n`),
      /features\.serialiser: unknown feature/,
    );
    assert.match(
      refusal("cases:\n  - name: control/x\n    direction: control\n    input: { method: ping }\n    expect: { result: 1 }\n"),
      /expect\.result: a control case expects only `replies`/,
    );
    assert.match(refusal("cases:\n  - name: NoSlash\n"), /cases\[0\] \(NoSlash\): name: must be a path-like name/);
    assert.match(refusal("cases: [\n"), /^cases\/x\.yaml: not valid YAML/);
    assert.match(refusal("- a\n"), /^cases\/x\.yaml: cases: the file must be a mapping with a list `cases`/);
  });

  it("a name used twice across files is refused naming both files", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "conformance-cases-"));
    const one = "cases:\n  - name: ts-to-celery/same\n    direction: ts-to-celery\n    input: { task: peer.noop }\n    expect: { result: null }\n";
    writeFileSync(path.join(dir, "a.yaml"), one);
    writeFileSync(path.join(dir, "b.yml"), one);
    await assert.rejects(loadCaseDir(dir), (e: Error) => {
      assert.equal(e.message, `${path.join(dir, "b.yml")}: name: "ts-to-celery/same" is already the name of a case in ${path.join(dir, "a.yaml")}`);
      return true;
    });
    await assert.rejects(loadCaseDir(path.join(dir, "missing")), /--case-dir: cannot read/);
  });

  it("`result: null` is an expectation of null, not a missing one", () => {
    const [c] = parseCaseFile(
      "cases:\n  - name: ts-to-celery/noop\n    direction: ts-to-celery\n    input: { task: peer.noop }\n    expect: { result: null }\n",
      "f",
    );
    assert.deepEqual(c?.expect.result, { value: null });
  });
});

describe("conformance events cases", () => {
  const head = "cases:\n  - name: events/x\n    direction: events\n    input: { task: peer.add, args: [2, 3] }\n";
  it("an events case expects a list of {type, fields}, and may check the task's result too", () => {
    const [c] = parseCaseFile(
      `${head}    expect: { result: 5, events: [{ type: task-received, fields: { name: peer.add } }, { type: worker-heartbeat }] }\n`,
      "f",
    );
    assert.deepEqual(c?.expect, {
      result: { value: 5 },
      events: [
        { type: "task-received", fields: { name: "peer.add" } },
        { type: "worker-heartbeat", fields: {} },
      ],
    });
    assert.equal(c?.input.kind, "task");
  });

  it("malformed events expectations are refused naming the field", () => {
    assert.match(refusal(`${head}    expect: { result: 5 }\n`), /\(events\/x\): expect\.events: must be a non-empty list of \{type, fields\}/);
    assert.match(refusal(`${head}    expect: { events: [] }\n`), /expect\.events: must be a non-empty list/);
    assert.match(refusal(`${head}    expect: { events: [{ type: received }] }\n`), /expect\.events\[0\]\.type: must be an event type/);
    assert.match(refusal(`${head}    expect: { events: [{ type: task-sent, fields: 3 }] }\n`), /expect\.events\[0\]\.fields: must be a mapping/);
    assert.match(refusal(`${head}    expect: { events: [{ type: task-sent, field: {} }] }\n`), /expect\.events\[0\]\.field: unknown field \(type, fields\)/);
    assert.match(refusal(`${head}    expect: { events: [{ type: task-sent }], elapsed: { max: 1 } }\n`), /expect\.elapsed: an events case does not expect it/);
    assert.match(
      refusal(
        "cases:\n  - name: events/x\n    direction: events\n    input: { canvas: { group: [{ task: peer.add }] } }\n    expect: { events: [{ type: task-sent }] }\n",
      ),
      /input\.canvas: an events case sends one task, not a canvas/,
    );
    assert.match(
      refusal(
        "cases:\n  - name: ts-to-celery/x\n    direction: ts-to-celery\n    input: { task: peer.add }\n    expect: { result: 1, events: [{ type: task-sent }] }\n",
      ),
      /expect\.events: only events cases have it/,
    );
  });

  it("task events match in the listed order, worker events anywhere; a miss names the field or the event", () => {
    const uuid = "u1";
    const observed = [
      { type: "worker-heartbeat", hostname: "peer@h", freq: 5 },
      { type: "task-received", uuid, hostname: "peer@h", name: "peer.add", args: "(2, 3)" },
      { type: "task-started", uuid, hostname: "peer@h" },
      { type: "task-succeeded", uuid, hostname: "peer@h", result: "5", runtime: 0.01 },
    ];
    const want = (type: string, fields: Record<string, unknown> = {}): EventExpectation => ({ type, fields });
    assert.deepEqual(
      checkEvents(
        [
          want("task-received", { args: "(2, 3)" }),
          want("task-started"),
          want("task-succeeded", { runtime: { $gte: 0 } }),
          want("worker-heartbeat", { hostname: "peer@h" }),
        ],
        observed,
      ),
      [],
    );
    assert.deepEqual(checkEvents([want("task-succeeded"), want("task-started")], observed), [
      'events[1]: expected a task-started event after task-succeeded, got ["worker-heartbeat","task-received","task-started","task-succeeded"]',
    ]);
    assert.deepEqual(checkEvents([want("task-succeeded", { result: "6" })], observed), ['events[0].fields.result: expected "6", got "5"']);
    assert.deepEqual(checkEvents([want("task-failed")], []), ["events[0]: expected a task-failed event, got []"]);
  });
});

describe("conformance features", () => {
  const declared = {
    direction: ["ts-to-celery", "celery-to-ts", "control"],
    broker: ["redis", "amqp"],
    serializer: ["json", "msgpack"],
    result_backend: ["redis", "rpc"],
  };
  const [msgpack, redisOnly, anyCase] = parseCaseFile(
    `cases:
  - { name: ts-to-celery/m, direction: ts-to-celery, features: { serializer: msgpack }, input: { task: t }, expect: { result: 1 } }
  - { name: ts-to-celery/r, direction: ts-to-celery, features: { broker: redis }, input: { task: t }, expect: { result: 1 } }
  - { name: control/p, direction: control, input: { method: ping }, expect: { replies: { min: 1 } } }
`,
    "f",
  );

  it("a case runs when each feature it names has one of its values available; else the reason names the feature", () => {
    assert.ok(msgpack && redisOnly && anyCase);
    assert.equal(unmetFeatures(msgpack, declared), null);
    assert.equal(unmetFeatures(msgpack, { ...declared, serializer: ["json"] }), "needs serializer msgpack (available: json)");
    assert.equal(unmetFeatures(anyCase, { direction: ["ts-to-celery"] }), "needs direction control (available: ts-to-celery)");
    assert.equal(unmetFeatures(anyCase, {}), null);
  });

  it("--features narrows the declared features; the broker and backend in use narrow broker and result_backend", () => {
    const run = runFeatures(declared, ["serializer=json"], "amqp://guest@localhost//", "rpc://");
    assert.deepEqual(run.serializer, ["json"]);
    assert.deepEqual(run.broker, ["amqp"]);
    assert.deepEqual(run.result_backend, ["rpc"]);
    assert.ok(msgpack && redisOnly);
    assert.equal(unmetFeatures(msgpack, run), "needs serializer msgpack (available: json)");
    assert.equal(unmetFeatures(redisOnly, run), "needs broker redis (available: amqp)");
    assert.deepEqual(runFeatures(declared, [], "redis://h/0", null).result_backend, []);
    assert.throws(
      () => narrowFeatures(declared, parseFeatureFlags(["serializer=pickle"]), "--features"),
      /--features: serializer=pickle is not a declared feature \(declared: json, msgpack\)/,
    );
    assert.throws(() => parseFeatureFlags(["serializer"]), /--features: expected FEATURE=VALUE/);
    assert.throws(() => parseFeatureFlags(["colour=red"]), /--features: unknown feature "colour"/);
  });

  it("--features KEY=none: every case needing KEY is skipped with the reason `KEY=none (--features)`; none is reserved", () => {
    const withEvents = { ...declared, direction: [...declared.direction, "events", "ts-beat-to-celery"], events: ["celery"], beat: ["ts", "celery"] };
    const [events, beat] = parseCaseFile(
      `cases:
  - { name: events/e, direction: events, features: { events: celery }, input: { task: t }, expect: { events: [{ type: task-received }] } }
  - { name: ts-beat-to-celery/b, direction: ts-beat-to-celery, features: { beat: ts }, input: { entries: { e: { task: t, schedule: { every: 1 } } } }, expect: { state: SUCCESS } }
`,
      "f",
    );
    assert.ok(events && beat && msgpack && anyCase);
    const run = runFeatures(withEvents, ["events=none", "beat=none"], "redis://h/0", "redis://h/1");
    assert.deepEqual(run.events, ["none"]);
    assert.deepEqual(run.beat, ["none"]);
    assert.equal(unmetFeatures(events, run), "events=none (--features)");
    assert.equal(unmetFeatures(beat, run), "beat=none (--features)");
    assert.equal(unmetFeatures(msgpack, run), null, "a case not needing events or beat still runs");
    assert.equal(unmetFeatures(anyCase, runFeatures(withEvents, ["direction=none"], "redis://h/0", null)), "direction=none (--features)");
    // The broker and backend in use do not bring a feature back.
    assert.deepEqual(runFeatures(withEvents, ["broker=none", "result_backend=none"], "redis://h/0", "redis://h/1").broker, ["none"]);
    assert.deepEqual(runFeatures(withEvents, ["result_backend=none"], "redis://h/0", "redis://h/1").result_backend, ["none"]);
    // none wins over another flag for the same feature, in either order; it cannot share a flag with values.
    assert.deepEqual(parseFeatureFlags(["events=celery", "events=none"]).events, ["none"]);
    assert.deepEqual(parseFeatureFlags(["events=none", "events=celery"]).events, ["none"]);
    assert.throws(() => parseFeatureFlags(["events=celery,none"]), /--features: events=none means none of events: give it alone/);
    // A feature the implementation does not declare may be none too.
    assert.deepEqual(narrowFeatures({}, parseFeatureFlags(["compression=none"]), "--features").compression, ["none"]);
    assert.throws(
      () =>
        parseCaseFile(
          `cases:\n  - { name: ts-to-celery/n, direction: ts-to-celery, features: { events: none }, input: { task: t }, expect: { result: 1 } }\n`,
          "f",
        ),
      /features\.events.*"none" is reserved/,
    );
  });
});

describe("conformance inputs", () => {
  it("$-{name} is replaced in strings and keys; unknown names stay as written", () => {
    // Case files write the variable as a dollar sign and the name in braces.
    const ref = (name: string): string => `$\{${name}}`;
    assert.deepEqual(interpolate({ a: [ref("queue"), `x-${ref("task_id")}`], [ref("queue")]: ref("nope") }, { queue: "q", task_id: "1" }), {
      a: ["q", "x-1"],
      q: ref("nope"),
    });
  });

  it("a task gets its id and its link callback one; canvases are Celery's signature dicts, sent to the queue under test", () => {
    const [c] = parseCaseFile(
      "cases:\n  - { name: ts-to-celery/l, direction: ts-to-celery, input: { task: peer.add, args: [1, 2], options: { link: { task: peer.mul, args: [10] } } }, expect: { result: 3, link: { result: 30 } } }\n",
      "f",
    );
    assert.ok(c && c.input.kind === "task");
    const prepared = prepareTaskInput(c.input);
    assert.ok(prepared.linkId !== null);
    const sig = buildCanvas(prepared.node, "q1");
    assert.equal(sig.options["task_id"], prepared.taskId);
    assert.equal(sig.options["queue"], "q1");
    const link = (sig.options["link"] as Array<{ task: string; options: Record<string, unknown> }>)[0];
    assert.equal(link?.task, "peer.mul");
    assert.equal(link?.options["task_id"], prepared.linkId);
    assert.equal(link?.options["queue"], "q1");
    const chord = buildCanvas(
      { chord: { header: [{ task: "peer.add", args: [1, 1], kwargs: {}, options: {} }], body: { task: "peer.xsum", args: [], kwargs: {}, options: {} } } },
      "q2",
    );
    assert.equal(chord.task, "celery.chord");
    assert.equal(chord.subtask_type, "chord");
    assert.equal((chord.kwargs["body"] as { options: Record<string, unknown> }).options["queue"], "q2");
  });

  it("revoke, stamps, link_error and the error's module and traceback ($matches): validated, prepared and checked", () => {
    const [c] = parseCaseFile(
      `cases:
  - name: ts-to-celery/x
    direction: ts-to-celery
    input: { task: peer.fail, revoke: true, options: { stamps: { m: m-1 }, retries: 1, root_id: r, parent_id: p, link_error: { task: peer.request } } }
    expect:
      error: { type: ValueError, module: builtins, traceback: { $matches: '^Traceback[\\s\\S]*ValueError: boom$' } }
      link_error: { request: { args: ["\${task_id}"] } }
`,
      "f",
    );
    assert.ok(c && c.input.kind === "task");
    assert.equal(c.input.revoke, true);
    const prepared = prepareTaskInput(c.input);
    assert.ok(prepared.linkErrorId !== null && prepared.linkId === null);
    const sig = buildCanvas(prepared.node, "q");
    assert.deepEqual([sig.options["stamped_headers"], sig.options["m"], sig.options["stamps"]], [["m"], "m-1", undefined]);
    assert.equal((sig.options["link_error"] as Array<{ options: Record<string, unknown> }>)[0]?.options["task_id"], prepared.linkErrorId);
    const expect = interpolate(c.expect, { task_id: "t-1" });
    const error = { type: "ValueError", message: "boom", module: "builtins", traceback: "Traceback (most recent call last):\n  ...\nValueError: boom" };
    const linkError = { state: "SUCCESS", result: { args: ["t-1"] }, elapsedSeconds: 0 };
    assert.deepEqual(checkObservation(expect, { task: { state: "FAILURE", error, elapsedSeconds: 0 }, linkError }), []);
    assert.deepEqual(
      checkObservation(expect, {
        task: { state: "FAILURE", error: { ...error, module: "app", traceback: "ValueError: boom" }, elapsedSeconds: 0 },
        linkError: { ...linkError, result: { args: ["t-2"] } },
      }),
      [
        'error.module: expected "builtins", got "app"',
        'error.traceback: expected a string matching /^Traceback[\\s\\S]*ValueError: boom$/, got "ValueError: boom"',
        'link_error.request.args[0]: expected "t-1", got "t-2"',
      ],
    );
    const head = "cases:\n  - name: celery-to-ts/x\n    direction: celery-to-ts\n";
    assert.match(refusal(`${head}    input: { task: peer.add, revoke: true }\n    expect: { result: 1 }\n`), /input\.revoke: only ts-to-celery cases/);
    assert.match(
      refusal(`${head}    input: { task: peer.add }\n    expect: { result: 1, link_error: { result: 2 } }\n`),
      /expect\.link_error: needs input\.options\.link_error/,
    );
    assert.match(
      refusal(`${head}    input: { task: peer.add }\n    expect: { error: { type: E, traceback: { $matches: "(" } } }\n`),
      /expect\.error\.traceback\.\$matches: Invalid regular expression/,
    );
    assert.match(
      refusal(`${head}    input: { task: peer.add, options: { stamps: [1] } }\n    expect: { result: 1 }\n`),
      /input\.options\.stamps: must be a mapping/,
    );
  });
});
