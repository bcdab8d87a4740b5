// The results table `proto conformance run --results-file` keeps in a Markdown file: one row per label, others kept.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { CaseOutcome, CaseStatus, SuiteReport } from "../../src/conformance-suite/case-outcome.js";
import type { ConformanceCase } from "../../src/conformance-suite/conformance-case.js";
import { recordResultsRow } from "../../src/conformance-suite/record-results-table.js";

function report(statuses: readonly CaseStatus[]): SuiteReport {
  const outcomes: CaseOutcome[] = statuses.map((status, i) => ({
    case: { name: `ts-to-celery/c${i}`, direction: "ts-to-celery" } as ConformanceCase,
    status,
    message: null,
    durationMs: 1,
  }));
  return { outcomes, features: {}, durationMs: 5 };
}

describe("conformance results table", () => {
  it("adds a row between the markers, replaces a row of the same label, keeps the rest of the file and the other rows sorted", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "results-")), "README.md");
    writeFileSync(file, "# Conformance\n\nIntro.\n");
    await recordResultsRow(file, "celery 5.7 · redis", { celery: "5.7.0", kombu: "5.7.0" }, report(["passed", "passed", "skipped"]));
    await recordResultsRow(file, "celery 5.3 · amqp", { celery: "5.3.6", kombu: "5.3.7" }, report(["passed", "failed", "known-failing", "stale"]));
    const text = await recordResultsRow(file, "celery 5.7 · redis", { celery: "5.7.0", kombu: "5.7.0" }, report(["passed", "passed", "passed"]));
    assert.equal(readFileSync(file, "utf8"), text);
    assert.ok(text.startsWith("# Conformance\n\nIntro.\n\n<!-- conformance-results:start"));
    const rows = text.split("\n").filter((l) => l.startsWith("| celery"));
    assert.deepEqual(rows, ["| celery 5.3 · amqp | 5.3.6 | 5.3.7 | 4 | 1 | 2 | 1 | 0 |", "| celery 5.7 · redis | 5.7.0 | 5.7.0 | 3 | 3 | 0 | 0 | 0 |"]);
    assert.ok(text.trimEnd().endsWith("<!-- conformance-results:end -->"));
  });
});
