// scripts/check-import-cycles.mjs on small trees: which cycles it refuses (across folders) and which it allows.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

const SCRIPT = path.resolve(import.meta.dirname, "../check-import-cycles.mjs");
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path → source) under a fresh root and runs the check on its `src` folder. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const root = mkdtempSync(path.join(tmpdir(), "import-cycles-"));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const r = spawnSync(process.execPath, [SCRIPT, "--root", root, "src"], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("check-import-cycles", () => {
  it("refuses two sibling folders that import each other, even without a file-level cycle", () => {
    const r = check({
      "src/a/x.ts": 'import { y } from "../b/y.js";\nexport const x = y;\n',
      "src/a/z.ts": "export const z = 1;\n",
      "src/b/y.ts": 'import { z } from "../a/z.js";\nexport const y = z;\n',
    });
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /folders import each other: src\/a <-> src\/b/);
    assert.match(r.output, /src\/a\/x\.ts -> src\/b\/y\.ts/);
  });

  it("refuses a file-level cycle between a folder and its subfolder", () => {
    const r = check({
      "src/p/x.ts": 'import { y } from "./c/y.js";\nexport const x = () => y;\n',
      "src/p/c/y.ts": 'import { x } from "../x.js";\nexport const y = () => x;\n',
    });
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /import cycle across folders src\/p, src\/p\/c/);
  });

  it("counts re-exports and dynamic import() as imports", () => {
    const r = check({
      "src/a/x.ts": 'export { y } from "../b/y.js";\n',
      "src/a/z.ts": "export const z = 1;\n",
      "src/b/y.ts": 'export const y = async () => (await import("../a/z.js")).z;\n',
    });
    assert.equal(r.status, 1, r.output);
  });

  it("allows cycles inside one folder, parent/child imports without a cycle, and type-only imports", () => {
    const r = check({
      "src/a/x.ts": 'import { y } from "./y.js";\nexport const x = () => y;\n',
      "src/a/y.ts": 'import { x } from "./x.js";\nexport const y = () => x;\n',
      "src/p/index.ts": 'export { c } from "./c/c.js";\nexport type { Shape } from "./shape.js";\n',
      "src/p/shape.ts": "export interface Shape { readonly n: number }\nexport const unit = 1;\n",
      "src/p/c/c.ts": 'import { unit, type Shape } from "../shape.js";\nexport const c: Shape = { n: unit };\n',
      "src/q/q.ts": 'import type { T } from "../r/r.js";\nexport const q = 1;\nexport type Q = T;\n',
      "src/r/r.ts": 'import { q } from "../q/q.js";\nexport type T = number;\nexport const r = q;\n',
    });
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /no import cycles across folders \(7 files/);
  });

  it("skips generated code under gen/", () => {
    const r = check({
      "src/a/x.ts": 'import { g } from "../gen/g.js";\nexport const x = g;\n',
      "src/gen/g.ts": 'import { x } from "../a/x.js";\nexport const g = 1;\nexport const back = x;\n',
    });
    assert.equal(r.status, 0, r.output);
  });
});
