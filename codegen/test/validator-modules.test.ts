import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { VALIDATOR_MODULES } from "../src/config/validator-modules.js";
import { VALIDATORS_MODULE_PATH, validatorModulePath } from "../src/json-schema/generate-validators.js";
import { repoPath } from "./support/repo.js";

/** The code that ships: everything under these folders except generated code and tests. */
const RUNTIME_SOURCE_DIRS = ["sdk/src", "worker/src", "cli/src", "codegen/src"];

/**
 * Size budgets in bytes, set a few percent above what generation gives today (ajv 8.20). Before annotations were
 * stripped and subschemas shared, there was only validators.js, at 1,086,697 bytes, and the runtime loaded all of it.
 */
const SIZE_BUDGETS: Readonly<Record<string, number>> = {
  validators: 620_000, // today 597,239
  task: 152_000, // 145,887
  envelope: 34_000, // 32,147
  result: 52_000, // 49,473
  event: 137_000, // 131,030
  control: 20_000, // 19,046
  beat: 69_000, // 66,071
  "task-catalog": 33_000, // 31,117
};

/** `import { a, b } from ".../gen/json-schema/<module>.js"`, possibly over several lines. */
const VALIDATORS_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"[./]*(?:sdk\/src\/)?gen\/json-schema\/([\w-]*validators)\.js"/g;

async function listTypeScript(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "gen") found.push(...(await listTypeScript(full)));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      found.push(full);
    }
  }
  return found;
}

describe("validators modules the runtime imports", () => {
  it("runtime code never imports the all-in-one validators.js, and imports every validator each runtime module lists", async () => {
    const imported = new Map<string, Set<string>>();
    for (const directory of RUNTIME_SOURCE_DIRS) {
      for (const file of await listTypeScript(repoPath(directory))) {
        for (const match of (await readFile(file, "utf8")).matchAll(VALIDATORS_IMPORT)) {
          const [, names = "", module = ""] = match;
          const relative = path.relative(repoPath("."), file);
          assert.notEqual(module, "validators", `${relative} imports validators.js, which holds every validator; import from a <name>-validators.js module`);
          const set = imported.get(module) ?? new Set<string>();
          for (const name of names.split(",").map((part) => part.trim().replace(/^type\s+/, ""))) if (name !== "") set.add(name);
          imported.set(module, set);
        }
      }
    }
    const configured = new Map(VALIDATOR_MODULES.map((module) => [`${module.name}-validators`, module.schemas.map((name) => `validate${name}`).sort()]));
    assert.deepEqual(
      [...imported.entries()].map(([module, names]) => [module, [...names].sort()]).sort(),
      [...configured.entries()].sort(),
      "codegen/src/config/validator-modules.ts lists exactly what runtime code imports",
    );
  });
});

describe("validators module sizes", () => {
  it("stay within their budgets", async () => {
    const modules = [["validators", VALIDATORS_MODULE_PATH], ...VALIDATOR_MODULES.map((module) => [module.name, validatorModulePath(module)])];
    assert.deepEqual(modules.map(([name]) => name).sort(), Object.keys(SIZE_BUDGETS).sort(), "one budget per module");
    for (const [name = "", modulePath = ""] of modules) {
      const size = (await stat(repoPath(modulePath))).size;
      const budget = SIZE_BUDGETS[name] ?? 0;
      assert.ok(size <= budget, `${modulePath} is ${size} bytes, over its budget of ${budget}`);
    }
  });
});
