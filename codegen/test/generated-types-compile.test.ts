import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { repoPath, runNode } from "./support/repo.js";

const TSC = repoPath("node_modules/typescript/bin/tsc");

/** Uses the generated API the way the codec does; the `@ts-expect-error` lines must stay errors. */
function renderUsage(genDir: string): string {
  const validators = JSON.stringify(path.join(genDir, "json-schema", "validators.js"));
  const types = JSON.stringify(path.join(genDir, "json-schema", "types.js"));
  return `import {validateTaskHeadersV2, validateResultMeta, type ValidateFunction} from ${validators};
import type {TaskHeadersV2, TimeLimitPair} from ${types};

const data: unknown = JSON.parse("{}");
if (validateTaskHeadersV2(data)) {
  const id: string = data.id;
  const task: string = data.task;
  void id;
  void task;
}
const asPredicate: (data: unknown) => boolean = validateResultMeta;
const generic: ValidateFunction = validateTaskHeadersV2;
const firstPath: string | undefined = validateTaskHeadersV2.errors?.[0]?.instancePath;
const limits: TimeLimitPair = [null, 30];
// @ts-expect-error "task" must be a string
const wrongTask: TaskHeadersV2 = {task: 1, id: "x"};
// @ts-expect-error "id" is required
const missingId: TaskHeadersV2 = {task: "t"};
// @ts-expect-error a time limit pair has exactly two items
const threeLimits: TimeLimitPair = [1, 2, 3];
void [asPredicate, generic, firstPath, limits, wrongTask, missingId, threeLimits];
`;
}

describe("generated code under strict TypeScript", () => {
  for (const mode of [
    { module: "NodeNext", moduleResolution: "NodeNext" },
    { module: "ESNext", moduleResolution: "Bundler" },
  ]) {
    it(`compiles with strict settings (module ${mode.module}) and types the validators as guards`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "celery-proto-gen-tsc-"));
      try {
        const genDir = repoPath("sdk/src/gen");
        await writeFile(path.join(dir, "usage.mts"), renderUsage(genDir));
        const tsconfig = {
          compilerOptions: {
            ...mode,
            target: "ES2022",
            lib: ["ES2022"],
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            noImplicitOverride: true,
            noPropertyAccessFromIndexSignature: true,
            noUnusedLocals: true,
            isolatedModules: true,
            verbatimModuleSyntax: true,
            allowJs: false,
            skipLibCheck: false,
            noEmit: true,
            types: [],
          },
          include: [`${genDir}/**/*.ts`, path.join(dir, "usage.mts")],
        };
        await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        const run = await runNode([TSC, "-p", path.join(dir, "tsconfig.json")]);
        assert.equal(run.code, 0, run.stdout + run.stderr);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
