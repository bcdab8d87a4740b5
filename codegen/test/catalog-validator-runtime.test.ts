import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { emitCatalogValidators } from "../src/catalog/emit-catalog-validators.js";
import type { TaskCatalogModel } from "../src/catalog/task-catalog-model.js";
import { validatorRuntimeSpecifier } from "../src/catalog/validator-runtime-specifier.js";
import { repoPath, runNode } from "./support/repo.js";

/** One task whose schemas need every kind of helper: string length, deep equality and a format. */
const MODEL: TaskCatalogModel = {
  source: "helpers.json",
  defs: {},
  tasks: [
    {
      name: "demo.helpers",
      exportName: "helpers",
      args: [
        { name: "text", schema: { type: "string", minLength: 2 }, required: true },
        { name: "mode", schema: { enum: [{ fast: true }, { fast: false }] }, required: true },
        { name: "at", schema: { type: "string", format: "date-time" }, required: true },
      ],
      kwargs: [],
      result: true,
      options: {},
    },
  ],
};

describe("validatorRuntimeSpecifier", () => {
  it("maps a package runtime to its validator-runtime subpath and an SDK source entry to the module next to it", () => {
    assert.equal(validatorRuntimeSpecifier("celery-proto"), "celery-proto/validator-runtime");
    assert.equal(validatorRuntimeSpecifier("celery-proto/worker"), "celery-proto/validator-runtime");
    assert.equal(validatorRuntimeSpecifier("@acme/celery-proto"), "@acme/celery-proto/validator-runtime");
    assert.equal(validatorRuntimeSpecifier("../../../sdk/src/index.js"), "../../../sdk/src/typed/validator-runtime.ts");
    assert.equal(validatorRuntimeSpecifier("/repo/sdk/src/index.ts"), "/repo/sdk/src/typed/validator-runtime.ts");
  });

  it("refuses a path that is not an SDK entry, naming the option", () => {
    assert.throws(() => validatorRuntimeSpecifier("./my-runtime.js"), /runtime: \.\/my-runtime\.js is a path, so it must name the SDK's source entry/);
  });
});

describe("catalog validators import ajv's helpers through the runtime", () => {
  it("never from ajv: one import of the helpers they use from <runtime>/validator-runtime", () => {
    const [module] = emitCatalogValidators(MODEL, "helpers", "celery-proto", "test");
    assert.ok(module);
    assert.doesNotMatch(module.content, /from "ajv|\brequire\("/, "no import of ajv and no require()");
    const imports = [...module.content.matchAll(/^import .*$/gm)].map((match) => match[0]);
    assert.deepEqual(imports, ['import { equal, fullFormats, ucs2length } from "celery-proto/validator-runtime";']);
  });

  it("validate with the helpers when the runtime is the repository's SDK source", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "celery-proto-catalog-runtime-"));
    try {
      const [module] = emitCatalogValidators(MODEL, "helpers", repoPath("sdk/src/index.js"), "test");
      assert.ok(module);
      await writeFile(path.join(dir, "package.json"), '{"type": "module"}\n');
      await writeFile(path.join(dir, module.name), module.content);
      const script = `
        const { validateHelpersArguments: v } = await import("./${module.name}");
        const good = { text: "ab", mode: { fast: true }, at: "2024-05-01T12:00:00Z" };
        console.log(JSON.stringify([v(good), v({ ...good, text: "😀" }), v({ ...good, mode: { fast: 1 } }), v({ ...good, at: "yesterday" })]));
        console.log(JSON.stringify(v.errors.map((error) => error.keyword)));`;
      const run = await runNode(["--import", import.meta.resolve("tsx"), "--input-type=module", "--eval", script], dir);
      assert.equal(run.code, 0, run.stderr);
      // "😀" is one code point (ucs2length), {fast: 1} equals no enum member (equal), "yesterday" is no date-time (fullFormats)
      assert.deepEqual(run.stdout.trim().split("\n"), ["[true,false,false,false]", '["format"]']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
