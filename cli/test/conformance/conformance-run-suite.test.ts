// The runner engine without brokers (a fake case runner): the known-failing semantics (a listed case that passes
// fails the run), skips with reasons, time-outs, field-path messages, and the reporters (JUnit parsed back, TAP, JSON).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { summarize, type SuiteReport } from "../../src/conformance-suite/case-outcome.js";
import { checkObservation } from "../../src/conformance-suite/check-observation.js";
import { compareValue } from "../../src/conformance-suite/compare-expected.js";
import type { ConformanceCase } from "../../src/conformance-suite/conformance-case.js";
import { knownFailing, loadKnownFailing } from "../../src/conformance-suite/known-failing.js";
import { parseCaseFile } from "../../src/conformance-suite/load-cases.js";
import { formatJson } from "../../src/conformance-suite/report-json.js";
import { escapeXml, formatJunit } from "../../src/conformance-suite/report-junit.js";
import { formatSummary } from "../../src/conformance-suite/report-summary.js";
import { formatTap } from "../../src/conformance-suite/report-tap.js";
import { runSuite, type CaseRunner } from "../../src/conformance-suite/run-suite.js";
import { parseStrictXml, type XmlElement } from "./strict-xml.js";

const CASES: ConformanceCase[] = parseCaseFile(
  `cases:
  - name: ts-to-celery/echo
    direction: ts-to-celery
    input: { task: peer.echo, kwargs: { when: "2026-01-02T03:04:05" } }
    expect: { result: { args: [], kwargs: { when: "2026-01-02T03:04:05" } } }
  - { name: ts-to-celery/add, direction: ts-to-celery, input: { task: peer.add, args: [1, 2] }, expect: { result: 3 } }
  - { name: ts-to-celery/msgpack, direction: ts-to-celery, features: { serializer: msgpack }, input: { task: peer.noop }, expect: { result: null } }
  - { name: celery-to-ts/fail, direction: celery-to-ts, input: { task: peer.fail }, expect: { error: { type: ValueError, message: boom } } }
  - { name: control/ping, direction: control, input: { method: ping }, expect: { replies: { min: 1, each: { ok: pong } } } }
`,
  "cases/t.yaml",
);

/** What each case "observes" in these tests. */
const OBSERVED: Record<string, CaseRunner> = {
  "ts-to-celery/echo": async (c) =>
    checkObservation(c.expect, { task: { state: "SUCCESS", result: { args: [], kwargs: { when: "2026-01-02 03:04:05" } }, elapsedSeconds: 0.1 } }),
  "ts-to-celery/add": async (c) => checkObservation(c.expect, { task: { state: "SUCCESS", result: 3, elapsedSeconds: 0.1 } }),
  "ts-to-celery/msgpack": async () => [],
  "celery-to-ts/fail": async (c) =>
    checkObservation(c.expect, { task: { state: "FAILURE", error: { type: "ValueError", message: "boom" }, elapsedSeconds: 0.1 } }),
  "control/ping": async (c) => checkObservation(c.expect, { replies: [{ "peer@h": { ok: "pong" } }] }),
};
const runner: CaseRunner = (c, ms) => (OBSERVED[c.name] as CaseRunner)(c, ms);
const FEATURES = { serializer: ["json"] };

describe("conformance runner: outcomes", () => {
  it("a mismatch names the case and the field path; a missing feature skips with the reason; passes pass", async () => {
    const report = await runSuite(CASES, { features: FEATURES, knownFailing: knownFailing([]), timeoutMs: 1000, run: runner });
    const by = Object.fromEntries(report.outcomes.map((o) => [o.case.name, o]));
    assert.equal(by["ts-to-celery/echo"]?.status, "failed");
    assert.equal(by["ts-to-celery/echo"]?.message, 'ts-to-celery/echo: result.kwargs.when: expected "2026-01-02T03:04:05", got "2026-01-02 03:04:05"');
    assert.equal(by["ts-to-celery/msgpack"]?.status, "skipped");
    assert.equal(by["ts-to-celery/msgpack"]?.message, "needs serializer msgpack (available: json)");
    for (const name of ["ts-to-celery/add", "celery-to-ts/fail", "control/ping"]) assert.equal(by[name]?.status, "passed", name);
    assert.equal(summarize(report).ok, false);
  });

  it("known failing: a listed failure does not fail the run; a listed pass is stale and fails it; --cases selects by glob", async () => {
    const known = knownFailing(["ts-to-celery/echo", "control/*"]);
    const report = await runSuite(CASES, { features: FEATURES, knownFailing: known, timeoutMs: 1000, run: runner });
    const by = Object.fromEntries(report.outcomes.map((o) => [o.case.name, o]));
    assert.equal(by["ts-to-celery/echo"]?.status, "known-failing");
    assert.equal(by["control/ping"]?.status, "stale");
    assert.equal(
      by["control/ping"]?.message,
      'control/ping: passed, but known-failing lists it ("control/*"): the known-failing list is stale, remove the entry',
    );
    assert.deepEqual(summarize(report), { passed: 2, failed: 0, skipped: 1, "known-failing": 1, stale: 1, total: 5, ok: false });
    const onlyEcho = await runSuite(CASES, {
      features: FEATURES,
      knownFailing: knownFailing(["ts-to-celery/echo"]),
      select: ["ts-to-celery/e*"],
      timeoutMs: 1000,
      run: runner,
    });
    assert.deepEqual(
      onlyEcho.outcomes.map((o) => [o.case.name, o.status]),
      [["ts-to-celery/echo", "known-failing"]],
    );
    assert.equal(summarize(onlyEcho).ok, true);
    // A listed case that is skipped is neither stale nor a failure.
    const skipped = await runSuite(CASES, {
      features: FEATURES,
      knownFailing: knownFailing(["ts-to-celery/msgpack"]),
      select: ["**/msgpack"],
      timeoutMs: 1000,
      run: runner,
    });
    assert.equal(skipped.outcomes[0]?.status, "skipped");
    assert.equal(summarize(skipped).ok, true);
  });

  it("an error or a time-out fails the case, naming it; the case's own timeout wins over the run's", async () => {
    const hang: CaseRunner = () => new Promise(() => undefined);
    const boom: CaseRunner = async () => {
      throw new Error("connection refused");
    };
    const [c] = CASES;
    assert.ok(c);
    const timed = await runSuite([{ ...c, timeout: 0.2 }], { features: {}, knownFailing: knownFailing([]), timeoutMs: 60_000, run: hang });
    assert.equal(timed.outcomes[0]?.message, "ts-to-celery/echo: error: timed out after 1.2 s");
    const thrown = await runSuite([c], { features: {}, knownFailing: knownFailing([]), timeoutMs: 1000, run: boom });
    assert.equal(thrown.outcomes[0]?.message, "ts-to-celery/echo: error: connection refused");
  });

  it("the known-failing file: a list, or known_failing: with names or {name, reason}", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "known-failing-"));
    writeFileSync(path.join(dir, "a.yaml"), "- control/*\n- ts-to-celery/echo\n");
    writeFileSync(path.join(dir, "b.yaml"), "known_failing:\n  - { name: celery-to-ts/**, reason: not yet }\n");
    writeFileSync(path.join(dir, "c.yaml"), "known_failing: [3]\n");
    assert.equal((await loadKnownFailing(path.join(dir, "a.yaml"))).match("control/ping"), "control/*");
    assert.equal((await loadKnownFailing(path.join(dir, "b.yaml"))).match("celery-to-ts/a/b"), "celery-to-ts/**");
    assert.equal((await loadKnownFailing(path.join(dir, "a.yaml"))).match("control/ping/x"), null);
    await assert.rejects(loadKnownFailing(path.join(dir, "c.yaml")), /--known-failing: .*c\.yaml: \[0\]: expected a case name or glob/);
    await assert.rejects(loadKnownFailing(path.join(dir, "none.yaml")), /--known-failing: .*none\.yaml/);
  });
});

describe("conformance runner: comparisons", () => {
  it("exact results, subset request fields, matchers, errors, elapsed and replies each name their field", () => {
    assert.deepEqual(compareValue({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }, "result", "exact"), ["result.a[1].b: expected 2, got 3"]);
    assert.deepEqual(compareValue({ a: 1 }, { a: 1, extra: true }, "result", "exact"), ["result.extra: not expected, got true"]);
    assert.deepEqual(compareValue({ a: 1 }, { a: 1, extra: true }, "request", "subset"), []);
    assert.deepEqual(compareValue([1, 2], [1], "result", "exact"), ["result: expected a list of 2, got 1: [1]"]);
    assert.deepEqual(compareValue({ "odd key": 1 }, {}, "result", "exact"), ['result["odd key"]: expected 1, got nothing (no such field)']);
    assert.deepEqual(compareValue({ $type: "integer" }, 1.5, "x", "exact"), ["x: expected a integer, got 1.5"]);
    assert.deepEqual(compareValue({ $type: "number" }, 2, "x", "exact"), []);
    assert.deepEqual(compareValue({ $contains: { name: "q" } }, [{ name: "p" }, { name: "q", more: 1 }], "x", "exact"), []);
    assert.deepEqual(compareValue({ $contains: "a" }, ["b"], "x", "exact"), ['x: expected a list containing "a", got ["b"]']);
    assert.deepEqual(compareValue({ $any: true }, null, "x", "exact"), ["x: expected a value, got null"]);
    const [c] = parseCaseFile(
      "cases:\n  - { name: ts-to-celery/f, direction: ts-to-celery, input: { task: peer.fail }, expect: { state: FAILURE, error: { type: ValueError, message: boom }, elapsed: { min: 1 } } }\n",
      "f",
    );
    assert.ok(c);
    assert.deepEqual(checkObservation(c.expect, { task: { state: "SUCCESS", result: 5, elapsedSeconds: 0.5 } }), [
      "state: expected FAILURE, got SUCCESS",
      "error: expected ValueError, got result 5",
      "elapsed: expected 1..∞ s, got 0.50 s",
    ]);
    assert.deepEqual(checkObservation(c.expect, { task: { state: "FAILURE", error: { type: "KeyError", message: "'x'" }, elapsedSeconds: 2 } }), [
      'error.type: expected "ValueError", got "KeyError"',
      'error.message: expected "boom", got "\'x\'"',
    ]);
    assert.deepEqual(checkObservation({ replies: { min: 1, each: { ok: "pong" } } }, { replies: [{ "a@h": { ok: "pong" } }, { "b@h": { error: "x" } }] }), [
      'replies["b@h"].ok: expected "pong", got nothing (no such field)',
    ]);
    assert.deepEqual(checkObservation({ replies: { min: 1 } }, { replies: [] }), ["replies: expected at least 1 replies, got 0"]);
    assert.deepEqual(
      checkObservation({ result: { value: 5 }, link: { result: { value: 50 } } }, { task: { state: "SUCCESS", result: 5, elapsedSeconds: 0 } }),
      ["link.result: no outcome observed"],
    );
  });
});

describe("conformance reporters", () => {
  const nasty: ConformanceCase = { ...(CASES[1] as ConformanceCase), name: "ts-to-celery/x<&>\"'", file: "a&b.yaml" };

  async function report(): Promise<SuiteReport> {
    const cases = [...CASES, nasty];
    const known = knownFailing(["control/ping", "celery-to-ts/fail", "ts-to-celery/x*"]);
    const run: CaseRunner = async (c, ms) => (c === nasty ? ['result: expected "<a & b>", got "\u0001]]>"'] : runner(c, ms));
    return runSuite(cases, { features: FEATURES, knownFailing: known, timeoutMs: 1000, run });
  }

  it("JUnit XML is well-formed and holds every case with its failure, skip or known failure, escaped", async () => {
    const r = await report();
    const xml = formatJunit(r);
    const root = parseStrictXml(xml);
    assert.equal(root.name, "testsuites");
    const suites = root.children.filter((e) => e.name === "testsuite");
    assert.equal(suites.length, 1);
    const suite = suites[0] as XmlElement;
    assert.equal(suite.attributes["tests"], "6");
    assert.equal(suite.attributes["failures"], "3"); // the echo mismatch; control/ping and celery-to-ts/fail stale
    assert.equal(suite.attributes["skipped"], "2"); // msgpack skipped, the odd one known failing
    const cases = suite.children;
    assert.deepEqual(
      cases.map((c) => c.name),
      Array(6).fill("testcase"),
    );
    const byName = Object.fromEntries(cases.map((c) => [c.attributes["name"], c]));
    const echo = byName["ts-to-celery/echo"] as XmlElement;
    assert.equal(echo.attributes["classname"], "ts-to-celery");
    assert.equal(echo.children[0]?.name, "failure");
    assert.equal(echo.children[0]?.attributes["message"], 'ts-to-celery/echo: result.kwargs.when: expected "2026-01-02T03:04:05", got "2026-01-02 03:04:05"');
    assert.equal((byName["ts-to-celery/msgpack"] as XmlElement).children[0]?.name, "skipped");
    assert.equal((byName["control/ping"] as XmlElement).children[0]?.attributes["type"], "StaleKnownFailing");
    const odd = byName["ts-to-celery/x<&>\"'"] as XmlElement;
    assert.equal(odd.attributes["file"], "a&b.yaml");
    assert.equal(odd.children[0]?.name, "skipped");
    assert.match(odd.children[0]?.attributes["message"] ?? "", /^known failing: ts-to-celery\/x<&>"': result:/);
    assert.equal(odd.children[0]?.text, 'ts-to-celery/x<&>"\': result: expected "<a & b>", got "\uFFFD]]>"');
    assert.equal(escapeXml("a<b>&\"'\u0000"), "a&lt;b&gt;&amp;&quot;&apos;\uFFFD");
    assert.throws(() => parseStrictXml("<a><b></a>"), /expected <\/b>/);
    assert.throws(() => parseStrictXml('<a x="1&2"/>'), /unknown entity|unterminated reference/);
  });

  it("TAP: a line per case, SKIP and TODO directives, YAML diagnostics; JSON: the summary and every case", async () => {
    const r = await report();
    const tap = formatTap(r).split("\n");
    assert.equal(tap[0], "TAP version 13");
    assert.equal(tap[1], "1..6");
    assert.ok(tap.includes("not ok 1 - ts-to-celery/echo"));
    assert.ok(tap.includes("ok 2 - ts-to-celery/add"));
    assert.ok(tap.includes("ok 3 - ts-to-celery/msgpack # SKIP needs serializer msgpack (available: json)"));
    assert.ok(tap.includes("not ok 5 - control/ping"));
    assert.ok(tap.includes('    ts-to-celery/echo: result.kwargs.when: expected "2026-01-02T03:04:05", got "2026-01-02 03:04:05"'));
    assert.ok(tap.includes(`not ok 6 - ts-to-celery/x<&>"' # TODO known failing`));
    assert.equal(tap.filter((l) => /^(not )?ok \d+ - /.test(l)).length, 6);
    const json = JSON.parse(formatJson(r)) as { summary: { ok: boolean; stale: number }; cases: Array<{ name: string; status: string }> };
    assert.equal(json.summary.ok, false);
    assert.equal(json.summary.stale, 2);
    assert.deepEqual(
      json.cases.map((c) => c.status),
      ["failed", "passed", "skipped", "stale", "stale", "known-failing"],
    );
    const table = formatSummary(r);
    assert.match(table, /^STATUS +CASE +DIRECTION +SECONDS$/m);
    assert.match(table, /^FAIL +ts-to-celery\/echo +ts-to-celery +\d+\.\d\d$/m);
    assert.match(table, /^6 cases: 1 passed, 1 failed, 1 known failing, 2 stale known-failing, 1 skipped/m);
  });
});
