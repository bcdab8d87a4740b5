// node:test reporter: one line per test, failure details, and the run's `N passed, N failed, N skipped`. Under
// scripts/run-tests.mjs (which runs several Node versions and prints the closing line of them all), test names carry
// the run's label (CELERY_PROTO_TEST_LABEL), the counts go to CELERY_PROTO_TEST_COUNTS as JSON and the failure details
// also to CELERY_PROTO_TEST_FAILURES, which the runner prints again next to the closing line.
import { writeFileSync } from "node:fs";
import { inspect } from "node:util";

const label = process.env.CELERY_PROTO_TEST_LABEL;
const countsFile = process.env.CELERY_PROTO_TEST_COUNTS;
const failuresFile = process.env.CELERY_PROTO_TEST_FAILURES;

export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") {
      if (event.type === "test:diagnostic" && /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(event.data.message)) continue;
      if (event.type === "test:diagnostic") yield `# ${event.data.message}\n`;
      if (event.type === "test:stderr" || event.type === "test:stdout") yield event.data.message;
      continue;
    }
    const data = event.data;
    if (data.details?.type === "suite") {
      if (event.type === "test:fail" && data.details?.error?.failureType !== "subtestsFailed") {
        failed++;
        failures.push(data);
        yield `✖ ${data.name} (suite setup)\n`;
      }
      continue;
    }
    const indent = "  ".repeat(data.nesting);
    const ms = data.details?.duration_ms === undefined ? "" : ` (${data.details.duration_ms.toFixed(0)}ms)`;
    if (data.skip !== undefined || data.todo !== undefined) {
      skipped++;
      yield `${indent}- ${data.name} # SKIP${typeof data.skip === "string" ? ` ${data.skip}` : ""}\n`;
    } else if (event.type === "test:pass") {
      passed++;
      yield `${indent}✔ ${data.name}${ms}\n`;
    } else {
      failed++;
      failures.push(data);
      yield `${indent}✖ ${data.name}${ms}\n`;
    }
  }
  const details = failures.map((f) => {
    const err = f.details?.error;
    const cause = err?.cause ?? err;
    return `\n✖ FAILED: ${label === undefined ? "" : `[${label}] `}${f.name}${f.file ? ` (${f.file})` : ""}\n${inspect(cause, { depth: 6 })}\n`;
  });
  yield* details;
  if (failuresFile !== undefined) writeFileSync(failuresFile, details.join(""));
  if (countsFile === undefined) {
    yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
  } else {
    writeFileSync(countsFile, JSON.stringify({ passed, failed, skipped }));
    yield `\n[${label}] ${passed} passed, ${failed} failed, ${skipped} skipped (this run)\n`;
  }
}
