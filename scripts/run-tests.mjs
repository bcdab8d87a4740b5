// Runs the test suites with node's test runner (TypeScript through tsx) and the summary reporter.
// One file at a time: the conformance files share the project brokers (Redis databases, the vhost) and real workers.
// Usage: node scripts/run-tests.mjs [unit|conformance|all] [extra file filters...]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const suite = process.argv[2] ?? "all";
const filters = process.argv.slice(3);

const SUITES = {
  unit: ["sdk/test", "codegen/test", "cli/test", "worker/test", "schemas/test", "scripts/test"],
  conformance: ["conformance/tests"],
};
const dirs = suite === "all" ? [...SUITES.unit, ...SUITES.conformance] : SUITES[suite];
if (dirs === undefined) {
  console.error(`unknown suite ${suite}; use unit, conformance or all`);
  process.exit(2);
}

function collect(dir) {
  const abs = path.join(root, dir);
  let entries;
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return collect(rel);
    return name.endsWith(".test.ts") ? [rel] : [];
  });
}

const files = dirs.flatMap(collect).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=./scripts/summary-reporter.mjs", "--test-reporter-destination=stdout", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_OPTIONS: "" } },
);
process.exit(result.status ?? 1);
