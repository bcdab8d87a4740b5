import assert from "node:assert/strict";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { rewriteEsmRequires, toEsmSpecifier } from "../src/json-schema/rewrite-esm-requires.js";
import { repoPath, runNode } from "./support/repo.js";

const AJV_LIKE_OUTPUT = [
  '"use strict";export const validateA = validate10;',
  'const func2 = require("ajv/dist/runtime/ucs2length").default;',
  'const func0 = require("ajv/dist/runtime/equal").default;',
  'const formats0 = require("ajv-formats/dist/formats").fullFormats["date-time"];',
  'const again = require("ajv/dist/runtime/ucs2length").default;',
  'const schema1 = {"description":"calls require(\\"x\\") in prose"};',
  "function validate10(data) { validate10.errors = null; return func2(data) === 1 && func0([1], [1]) && again(data) === 1 && formats0.validate(\"2024-05-01T12:00:00Z\"); }",
].join("\n");

describe("rewriteEsmRequires", () => {
  it("turns each distinct require() into one sorted default import and keeps everything else", () => {
    const { code, imports } = rewriteEsmRequires(AJV_LIKE_OUTPUT);
    assert.deepEqual(
      imports.map((entry) => [entry.required, entry.imported, entry.binding]),
      [
        ["ajv-formats/dist/formats", "ajv-formats/dist/formats.js", "require_ajv_formats_dist_formats"],
        ["ajv/dist/runtime/equal", "ajv/dist/runtime/equal.js", "require_ajv_dist_runtime_equal"],
        ["ajv/dist/runtime/ucs2length", "ajv/dist/runtime/ucs2length.js", "require_ajv_dist_runtime_ucs2length"],
      ],
    );
    assert.ok(code.startsWith('import require_ajv_formats_dist_formats from "ajv-formats/dist/formats.js";\n'));
    assert.doesNotMatch(code, /\brequire\("/);
    assert.doesNotMatch(code, /"use strict"/);
    assert.match(code, /const func2 = require_ajv_dist_runtime_ucs2length\.default;/);
    assert.match(code, /const formats0 = require_ajv_formats_dist_formats\.fullFormats\["date-time"\];/);
    assert.match(code, /calls require\(\\"x\\"\) in prose/, "escaped text inside string literals is left alone");
  });

  it("produces a module that runs as plain ESM with the helpers working", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "celery-proto-esm-rewrite-"));
    try {
      await symlink(repoPath("node_modules"), path.join(dir, "node_modules"), "dir");
      await writeFile(path.join(dir, "validators.mjs"), rewriteEsmRequires(AJV_LIKE_OUTPUT).code);
      const run = await runNode(["--input-type=module", "--eval", 'const m = await import("./validators.mjs"); console.log(m.validateA("😀"), m.validateA("ab"));'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), "true false");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to shadow an identifier the code already uses", () => {
    assert.throws(
      () => rewriteEsmRequires('const require_ajv_dist_runtime_equal = 1;\nconst f = require("ajv/dist/runtime/equal").default;'),
      /require_ajv_dist_runtime_equal is already used/,
    );
  });
});

describe("toEsmSpecifier", () => {
  it("adds .js to an extensionless package subpath and leaves package roots and explicit files alone", () => {
    assert.equal(toEsmSpecifier("ajv/dist/runtime/equal"), "ajv/dist/runtime/equal.js");
    assert.equal(toEsmSpecifier("ajv"), "ajv");
    assert.equal(toEsmSpecifier("ajv/dist/runtime/equal.js"), "ajv/dist/runtime/equal.js");
  });

  it("fails loudly for a subpath that does not exist", () => {
    assert.throws(() => toEsmSpecifier("ajv/dist/runtime/no-such-helper"), /cannot be resolved/);
  });
});
