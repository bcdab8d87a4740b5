import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { RUNTIME_HELPERS, rewriteRuntimeRequires } from "../src/json-schema/rewrite-runtime-requires.js";
import { repoPath, runNode } from "./support/repo.js";

const VALIDATOR_RUNTIME = repoPath("sdk/src/typed/validator-runtime.ts");

const AJV_LIKE_OUTPUT = [
  '"use strict";export const validateA = validate10;',
  'const func2 = require("ajv/dist/runtime/ucs2length").default;',
  'const func0 = require("ajv/dist/runtime/equal").default;',
  'const formats0 = require("ajv-formats/dist/formats").fullFormats["date-time"];',
  'const again = require("ajv/dist/runtime/ucs2length").default;',
  'const schema1 = {"const":"calls require(\\"x\\") in prose"};',
  'function validate10(data) { validate10.errors = null; return func2(data) === 1 && func0([1], [1]) && again(data) === 1 && formats0.validate("2024-05-01T12:00:00Z"); }',
].join("\n");

describe("rewriteRuntimeRequires", () => {
  it("turns each helper ajv requires into one named import from the helpers module and keeps everything else", () => {
    const { code, helpers } = rewriteRuntimeRequires(AJV_LIKE_OUTPUT, "celery-proto/validator-runtime");
    assert.deepEqual(helpers, ["equal", "fullFormats", "ucs2length"]);
    assert.ok(code.startsWith('import { equal, fullFormats, ucs2length } from "celery-proto/validator-runtime";\nexport const validateA'), code);
    assert.doesNotMatch(code, /\brequire\("/);
    assert.doesNotMatch(code, /"use strict"/);
    assert.match(code, /const func2 = ucs2length;/);
    assert.match(code, /const again = ucs2length;/);
    assert.match(code, /const formats0 = fullFormats\["date-time"\];/);
    assert.match(code, /calls require\(\\"x\\"\) in prose/, "escaped text inside string literals is left alone");
  });

  it("produces a module whose helpers work when imported from sdk/src/typed/validator-runtime.ts", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "celery-proto-runtime-rewrite-"));
    try {
      await writeFile(path.join(dir, "validators.mjs"), rewriteRuntimeRequires(AJV_LIKE_OUTPUT, pathToFileURL(VALIDATOR_RUNTIME).href).code);
      const script = 'const m = await import("./validators.mjs"); console.log(m.validateA("😀"), m.validateA("ab"));';
      const run = await runNode(["--import", import.meta.resolve("tsx"), "--input-type=module", "--eval", script], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), "true false");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("leaves code without helpers without an import", () => {
    assert.deepEqual(rewriteRuntimeRequires('"use strict";export const validateA = validate1;', "x"), {
      code: "export const validateA = validate1;",
      helpers: [],
    });
  });

  it("refuses a require() of anything validator-runtime does not provide", () => {
    assert.throws(
      () => rewriteRuntimeRequires('const f = require("ajv/dist/runtime/re2").default;', "celery-proto/validator-runtime"),
      /require\("ajv\/dist\/runtime\/re2"\)\.default, which celery-proto\/validator-runtime does not provide/,
    );
    assert.throws(() => rewriteRuntimeRequires('const f = require("ajv/dist/runtime/equal");', "celery-proto/validator-runtime"), /does not provide/);
  });

  it("refuses to shadow a name ajv's output declares", () => {
    assert.throws(() => rewriteRuntimeRequires('const equal = 1;\nconst f = require("ajv/dist/runtime/equal").default;', "x"), /declares its own equal/);
  });
});

describe("sdk/src/typed/validator-runtime.ts", () => {
  it("exports exactly the helpers the rewrite imports, each the one ajv's require() returns", async () => {
    const runtime = (await import(pathToFileURL(VALIDATOR_RUNTIME).href)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(runtime).sort(), RUNTIME_HELPERS.map((helper) => helper.name).sort());
    const require = (await import("node:module")).createRequire(import.meta.url);
    for (const helper of RUNTIME_HELPERS) {
      const match = /^require\("([^"]+)"\)\.(\w+)$/.exec(helper.expression);
      assert.ok(match, helper.expression);
      const [, specifier = "", member = ""] = match;
      assert.equal(runtime[helper.name], (require(specifier) as Record<string, unknown>)[member], helper.expression);
    }
  });
});
