// Project-wide static checks, counted as tests: strict TypeScript and an explicit public surface.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ensureBuilt } from "../../conformance/harness/ensure-built.js";

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

  it("the code is formatted as biome.json says (npm run format)", () => {
    const r = run(path.join(ROOT, "node_modules/.bin/biome"), ["format", ".", "--max-diagnostics=20"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no import cycles across folders of sdk/src, worker/src, cli/src, codegen/src", () => {
    const r = run(process.execPath, ["scripts/check-import-cycles.mjs"]);
    assert.equal(r.status, 0, r.output);
  });

  it("no `any` in the public type declarations of the build (every entry and shared chunk)", () => {
    ensureBuilt();
    const found: string[] = [];
    for (const file of listDeclarations(path.join(ROOT, "dist"))) {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      for (const line of code.split("\n")) if (/(:|<|\||,) ?any\b[^-]/.test(line)) found.push(`${path.relative(ROOT, file)}: ${line.trim()}`);
    }
    assert.deepEqual(found, [], "found 'any' in public types");
  });

  it("every export of package.json resolves from the build and offers its main functions", () => {
    const probes: Record<string, readonly string[]> = {
      "celery-proto": ["createClient", "bindTasks", "createTransport", "CeleryProtoError"],
      "celery-proto/codec": ["decodeAmqpMessage", "encodeRedisEnvelope"],
      "celery-proto/beat": ["BeatService", "CrontabSchedule"],
      "celery-proto/config": ["loadCeleryConfig", "resolveCelerySettings"],
      "celery-proto/security": ["loadMessageSigner", "loadMessageVerifier"],
      "celery-proto/redis": ["createRedisTransport", "createRedisResultBackend"],
      "celery-proto/amqp": ["createAmqpTransport"],
      "celery-proto/worker": ["createWorker", "implementTasks"],
      "celery-proto/validator-runtime": ["ucs2length"],
    };
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { exports: Record<string, unknown> };
    const exported = Object.keys(manifest.exports)
      .filter((key) => key !== "./package.json")
      .map((key) => (key === "." ? "celery-proto" : `celery-proto/${key.slice(2)}`));
    assert.deepEqual(exported.sort(), Object.keys(probes).sort(), "a subpath without a probe here, or a probe without a subpath");
    const probe = `const out = {}; for (const [name, keys] of Object.entries(${JSON.stringify(probes)})) { const m = await import(name); out[name] = keys.filter((k) => typeof m[k] !== "function"); } console.log(JSON.stringify(out));`;
    const r = run(process.execPath, ["--input-type=module", "-e", probe]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(JSON.parse(r.output), Object.fromEntries(Object.keys(probes).map((name) => [name, []])), "exports that are missing or not functions");
  });
});

function listDeclarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listDeclarations(full);
    return entry.name.endsWith(".d.ts") ? [full] : [];
  });
}
