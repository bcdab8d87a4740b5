import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { VALIDATOR_MODULES } from "../src/config/validator-modules.js";
import { repoPath } from "./support/repo.js";

/** The code that ships: everything under these folders except generated code and tests. */
const RUNTIME_SOURCE_DIRS = ["sdk/src", "worker/src", "cli/src", "codegen/src"];

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
