// Project-wide static checks, counted as tests: strict TypeScript and an explicit public surface.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

  it("Biome's lint rules (biome.json: the layers' import rules among them) report no errors", () => {
    const r = run(path.join(ROOT, "node_modules/.bin/biome"), ["lint", ".", "--max-diagnostics=50"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no import cycles across folders of sdk/src, worker/src, cli/src, codegen/src", () => {
    const r = run(process.execPath, ["scripts/check-import-cycles.mjs"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no `any` in the public type declarations of the build (every entry and shared chunk)", () => {
    const build = run("npm", ["run", "build", "--silent"]);
    assert.equal(build.status, 0, build.output);
    const found: string[] = [];
    for (const file of listDeclarations(path.join(ROOT, "dist"))) {
      const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      for (const line of code.split("\n")) if (/(:|<|\||,) ?any\b[^-]/.test(line)) found.push(`${path.relative(ROOT, file)}: ${line.trim()}`);
    }
    assert.deepEqual(found, [], "found 'any' in public types");
  });

  it("the package's exports resolve from the build: celery-proto, celery-proto/codec, celery-proto/worker", () => {
    const probe = [
      'const sdk = await import("celery-proto");',
      'const codec = await import("celery-proto/codec");',
      'const worker = await import("celery-proto/worker");',
      "console.log(JSON.stringify([typeof sdk.createClient, typeof sdk.bindTasks, typeof codec.decodeAmqpMessage, typeof worker.createWorker, typeof worker.implementTasks]));",
    ].join("\n");
    const r = run(process.execPath, ["--input-type=module", "-e", probe]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(JSON.parse(r.output), ["function", "function", "function", "function", "function"]);
  });
});

function listDeclarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listDeclarations(full);
    return entry.name.endsWith(".d.ts") ? [full] : [];
  });
}
