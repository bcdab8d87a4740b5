// Runs the test suites with node's test runner (TypeScript through tsx) and the summary reporter.
// One file at a time: the conformance files share the project brokers (Redis databases, the vhost) and real workers.
// `all` also runs the Node matrix: the runtime's tests (the unit suites of sdk, codegen, cli and worker, and the
// installed-package test) once more on each other Node version of CELERY_PROTO_NODE_VERSIONS
// (scripts/setup/node-versions.sh). The closing line counts every test of every run.
// Usage: node scripts/run-tests.mjs [unit|conformance|matrix|all] [extra file filters...]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const suite = process.argv[2] ?? "all";
const filters = process.argv.slice(3);

const RUNTIME_UNIT = ["sdk/test", "codegen/test", "cli/test", "worker/test"];
// Checks of the repository rather than of the runtime: the committed generated files match their generator, and
// generated code compiles under tsc. Their outcome does not depend on the Node version, and they are the slowest unit
// files (about a minute per run), so the matrix leaves them out; `proto generate` on each Node version is covered by
// the installed-package test.
const REPOSITORY_CHECKS = ["codegen/test/generate-check.test.ts", "codegen/test/task-catalog-generate.test.ts", "codegen/test/generated-types-compile.test.ts"];
const SUITES = {
  unit: [...RUNTIME_UNIT, "schemas/test", "scripts/test"],
  conformance: ["conformance/tests"],
  matrix: [...RUNTIME_UNIT, "conformance/tests/installed-package.test.ts"],
};
const MATRIX_EXCLUDED = new Set(REPOSITORY_CHECKS);
if (suite !== "all" && SUITES[suite] === undefined) {
  console.error(`unknown suite ${suite}; use unit, conformance, matrix or all`);
  process.exit(2);
}

function collect(entry) {
  const abs = path.join(root, entry);
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return entry.endsWith(".test.ts") ? [entry] : [];
  return readdirSync(abs).flatMap((name) => collect(path.join(entry, name)));
}

function filesOf(entries) {
  return entries
    .flatMap(collect)
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

/** Runs `files` on the node binary `node`; returns the counts the reporter wrote and the runner's exit status. */
function run(node, files, label) {
  const scratch = mkdtempSync(path.join(tmpdir(), "celery-proto-tests-"));
  const countsFile = path.join(scratch, "counts.json");
  const failuresFile = path.join(scratch, "failures.txt");
  const result = spawnSync(
    node,
    ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=./scripts/summary-reporter.mjs", "--test-reporter-destination=stdout", ...files],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_OPTIONS: "", CELERY_PROTO_TEST_LABEL: label, CELERY_PROTO_TEST_COUNTS: countsFile, CELERY_PROTO_TEST_FAILURES: failuresFile },
    },
  );
  let counts = { passed: 0, failed: 1, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(countsFile, "utf8"));
  } catch {
    console.error(`${label}: the test runner wrote no counts (exit ${result.status ?? result.signal})`);
  }
  let failures = "";
  try {
    failures = readFileSync(failuresFile, "utf8");
  } catch {
    // no failures file: the reporter did not finish (already said above)
  }
  rmSync(scratch, { recursive: true, force: true });
  return { ...counts, failures, ok: result.status === 0 };
}

const runs = [];
const mainFiles = filesOf(suite === "all" ? [...SUITES.unit, ...SUITES.conformance] : SUITES[suite]);
if (mainFiles.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
runs.push(run(process.execPath, mainFiles, `node ${process.versions.node}`));

if (suite === "all" || suite === "matrix") {
  const versions = (process.env.CELERY_PROTO_NODE_VERSIONS ?? "").split(/\s+/).filter((v) => v !== "" && v !== process.versions.node);
  const matrixFiles = filesOf(SUITES.matrix).filter((f) => !MATRIX_EXCLUDED.has(f));
  // No file: `node --test` without files would discover and run every test in the tree.
  if (matrixFiles.length === 0) versions.length = 0;
  const state = process.env.CELERY_PROTO_STATE ?? path.join(root, ".state");
  for (const version of versions) {
    console.log(`\n# the runtime's tests on Node ${version}`);
    runs.push(run(path.join(state, "node", version, "bin", "node"), matrixFiles, `node ${version}`));
  }
}

const total = runs.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
// Again here: the failure details of the main run would otherwise be hundreds of lines above the closing line.
const failureDetails = runs.map((r) => r.failures).join("");
if (failureDetails !== "") console.log(`\n# the failures again${failureDetails}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(runs.every((r) => r.ok) && total.failed === 0 ? 0 : 1);
