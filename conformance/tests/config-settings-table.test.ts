// sdk/src/config/gen/celery-settings-table.ts is recorded from this venv's Celery by
// conformance/recorder/record-celery-settings.py; re-recording it must give the committed file, so a change of
// Celery's settings (or a hand edit) fails here.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const RECORDER = path.join(ROOT, "conformance/recorder/record-celery-settings.py");
const COMMITTED = path.join(ROOT, "sdk/src/config/gen/celery-settings-table.ts");

describe("Celery settings table (sdk/src/config/gen) vs Celery 5.7", () => {
  it("re-recording gives the committed file", { skip: existsSync(PYTHON) ? false : ".venv missing: run bash scripts/setup/python.sh" }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), "celery-settings-table-"));
    try {
      const out = path.join(dir, "celery-settings-table.ts");
      execFileSync(PYTHON, [RECORDER, "--out", out], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
      assert.equal(readFileSync(out, "utf8"), readFileSync(COMMITTED, "utf8"), `re-record with: .venv/bin/python ${path.relative(ROOT, RECORDER)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
