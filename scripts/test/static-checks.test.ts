// Project-wide static checks, counted as tests: strict TypeScript and an explicit public surface.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");

function run(command: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("static checks", () => {
  it("the whole project typechecks under strict mode (tsc --noEmit)", () => {
    const r = run(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json", "--noEmit"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no `export *` outside generated code", () => {
    const r = run(process.execPath, ["scripts/check-no-export-star.mjs"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no `any` in the public type declarations of the build", () => {
    const build = run("npm", ["run", "build", "--silent"]);
    assert.equal(build.status, 0, build.output);
    const grep = run("grep", ["-rnE", "(:|<|\\|) ?any\\b[^-]", "dist/sdk/index.d.ts", "dist/sdk/codec/index.d.ts"]);
    assert.equal(grep.status, 1, `found 'any' in public types:\n${grep.output}`);
  });
});
