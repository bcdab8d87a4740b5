// `proto generate` for both catalog front ends: protobuf mapping, JSON catalog errors, byte-identical output of
// `buf generate` with protoc-gen-celery-es, idempotent writes and --check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateCatalog } from "../src/catalog/generate-catalog.js";
import { parseJsonSchemaCatalog } from "../src/catalog/read-json-schema-catalog.js";
import { listFiles } from "../src/output/list-files.js";
import { copyRepoForCodegen, runGenerateCli } from "./support/repo.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { ensureBuilt } from "../../conformance/harness/ensure-built.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUF = path.join(ROOT, "node_modules/.bin/buf");

function protoCli(args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), "generate", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const tmp = mkdtempSync(path.join(tmpdir(), "task-catalog-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

before(() => {
  ensureBuilt();
});

describe("protobuf catalogs", () => {
  it("buf generate with protoc-gen-celery-es writes exactly what proto generate committed for the example", async () => {
    const out = path.join(tmp, "buf-out");
    const r = spawnSync(
      BUF,
      ["generate", "--template", "examples/typed/proto/buf.gen.yaml", "--path", "examples/typed/proto/typed/v1/catalog.proto", "-o", out],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const generated = path.join(out, "examples/typed/proto/gen");
    const committed = path.join(ROOT, "examples/typed/proto/gen");
    const names = await listFiles(generated);
    assert.deepEqual(names, ["typed/v1/catalog_tasks.ts", "typed/v1/catalog_validators.d.ts", "typed/v1/catalog_validators.js"]);
    for (const name of names) assert.equal(readFileSync(path.join(generated, name), "utf8"), readFileSync(path.join(committed, name), "utf8"), name);
  });

  it("maps protobuf types to JSON Schema and TypeScript as documented in task_options.proto", async () => {
    const workspace = path.join(tmp, "proto-ws");
    mkdirSync(path.join(workspace, "celery/v1"), { recursive: true });
    mkdirSync(path.join(workspace, "demo/v1"), { recursive: true });
    cpSync(path.join(ROOT, "schemas/proto/celery/v1/task_options.proto"), path.join(workspace, "celery/v1/task_options.proto"));
    writeFileSync(path.join(workspace, "buf.yaml"), "version: v2\n");
    writeFileSync(
      path.join(workspace, "demo/v1/kinds.proto"),
      `syntax = "proto3";
package demo.v1;
import "celery/v1/task_options.proto";
import "google/protobuf/empty.proto";
enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; }
message Item { string sku = 1; optional int32 qty = 2; repeated string tags = 3; }
service KindsService {
  rpc Everything(EverythingRequest) returns (google.protobuf.Empty) {
    option (celery.v1.task) = { name: "demo.everything", arguments: ARGUMENT_MAPPING_KEYWORD, priority: 7, time_limit: 30, retry: { retry_forever: true, autoretry_for: "ValueError", retry_backoff: 2 } };
  }
  rpc Mixed(MixedRequest) returns (Item);
}
message EverythingRequest {
  int32 small = 1; uint64 big = 2; double ratio = 3; bool flag = 4; bytes blob = 5; Color color = 6;
  map<string, int64> counts = 7; repeated Item items = 8; optional string note = 9;
}
message MixedRequest { string a = 1; string b = 2 [(celery.v1.argument) = { keyword: true }]; }
`,
    );
    const out = path.join(tmp, "proto-out");
    const files = await generateCatalog({ catalog: path.join(workspace, "demo/v1/kinds.proto"), outDir: out, runtime: "celery-proto" });
    const ts = files.find((f) => f.name === "demo/v1/kinds_tasks.ts")?.content ?? "";
    assert.match(
      ts,
      /export const everything = defineCatalogTask<\[\], null, \{ readonly small: number; readonly big: number; readonly ratio: number; readonly flag: boolean; readonly blob: string; readonly color: "COLOR_UNSPECIFIED" \| "COLOR_RED"; readonly counts: \{\n\s+\[key: string\]: number;\n\s*\}; readonly items: Item\[\]; readonly note\?: string \}>\(\{/,
    );
    assert.match(ts, /name: "demo\.everything",/);
    assert.match(ts, /defaults: \{ priority: 7, timeLimit: 30 \},\n  retry: \{ maxRetries: null, autoretryFor: \["ValueError"\], retryBackoff: 2 \},/);
    assert.match(ts, /export const mixed = defineCatalogTask<\[a: string\], Item, \{ readonly b: string \}>/);
    assert.match(ts, /name: "demo\.v1\.KindsService\.mixed",/);
    assert.match(ts, /export type Item = \{\n  sku: string;\n  qty\?: number;\n  tags\?: string\[\];\n\};/);
    const validators = files.find((f) => f.name === "demo/v1/kinds_validators.js")?.content ?? "";
    assert.match(validators, /2147483647/, "int32 bounds are validated");
  });

  it("refuses a positional field after a keyword one, and a file without a task service", async () => {
    const workspace = path.join(tmp, "proto-ws");
    writeFileSync(
      path.join(workspace, "demo/v1/bad.proto"),
      `syntax = "proto3";
package demo.v1;
import "celery/v1/task_options.proto";
service BadService { option (celery.v1.tasks) = { task_prefix: "bad" }; rpc Go(GoRequest) returns (GoRequest); }
message GoRequest { string a = 1 [(celery.v1.argument) = { keyword: true }]; string b = 2; }
`,
    );
    await assert.rejects(
      generateCatalog({ catalog: path.join(workspace, "demo/v1/bad.proto"), outDir: tmp }),
      /GoRequest\.b: a positional field follows a keyword one/,
    );
    writeFileSync(path.join(workspace, "demo/v1/none.proto"), `syntax = "proto3";\npackage demo.v1;\nmessage Nothing {}\n`);
    await assert.rejects(generateCatalog({ catalog: path.join(workspace, "demo/v1/none.proto"), outDir: tmp }), /no task service/);
  });
});

describe("JSON Schema catalogs", () => {
  const invalid = (document: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseJsonSchemaCatalog(document, "bad.json"),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && pattern.test(e.message),
    );

  it("refuses a document that breaks task-catalog.schema.json, naming where", () => {
    invalid(
      { tasks: { "a.b": { args: [{ name: "x" }] } } },
      /^bad\.json: not a task catalog .*at \/tasks\/a\.b\/args\/0: must have required property 'schema'/,
    );
    invalid({ tasks: { "a.b": { retries: 3 } } }, /at \/tasks\/a\.b: must NOT have additional properties/);
    invalid({}, /must have required property 'tasks'/);
  });

  it("refuses a required positional parameter after an optional one, duplicate export names and duplicate parameters", () => {
    invalid(
      {
        tasks: {
          "a.f": {
            args: [
              { name: "x", schema: true, required: false },
              { name: "y", schema: true },
            ],
          },
        },
      },
      /tasks\["a\.f"\]\.args: required parameter "y" follows an optional one/,
    );
    invalid({ tasks: { "a.f": {}, "b.f": {} } }, /tasks\["b\.f"\]\.export: "f" is also the export name of a\.f; set "export"/);
    invalid({ tasks: { "a.f": { args: [{ name: "x", schema: true }], kwargs: [{ name: "x", schema: true }] } } }, /parameter "x" is declared twice/);
  });
});

describe("proto generate (CLI)", () => {
  it("writes the files once, rewrites nothing when run again, and --check reports drift", () => {
    const out = path.join(tmp, "cli-out");
    const first = protoCli(["examples/typed/catalog.json", "--out", out, "--runtime", "celery-proto"]);
    assert.equal(first.status, 0, first.output);
    assert.match(first.output, /3 files \(3 written, 0 unchanged\)/);
    const mtime = statSync(path.join(out, "catalog_tasks.ts")).mtimeMs;
    const second = protoCli(["examples/typed/catalog.json", "--out", out, "--runtime", "celery-proto"]);
    assert.match(second.output, /3 files \(0 written, 3 unchanged\)/);
    assert.equal(statSync(path.join(out, "catalog_tasks.ts")).mtimeMs, mtime);
    assert.equal(protoCli(["examples/typed/catalog.json", "--out", out, "--runtime", "celery-proto", "--check"]).status, 0);
    writeFileSync(path.join(out, "catalog_tasks.ts"), "// edited\n");
    const check = protoCli(["examples/typed/catalog.json", "--out", out, "--runtime", "celery-proto", "--check"]);
    assert.equal(check.status, 1, check.output);
    assert.match(check.output, /differs  catalog_tasks\.ts: line 1/);
  });

  it("exits 2 with the reason for a bad catalog", () => {
    const file = path.join(tmp, "bad.json");
    writeFileSync(file, JSON.stringify({ tasks: { "a.b": { args: 1 } } }));
    const r = protoCli([file, "--out", path.join(tmp, "never")]);
    assert.equal(r.status, 2, r.output);
    assert.match(r.output, /InvalidOption: .*not a task catalog.*at \/tasks\/a\.b\/args: must be array/);
  });
});

describe("npm run generate covers the example catalogs", () => {
  it("generate:check fails when an example's generated client drifts, and generate repairs it", async () => {
    const copy = await copyRepoForCodegen();
    try {
      const tampered = path.join(copy.root, "examples/typed/proto/gen/typed/v1/catalog_tasks.ts");
      writeFileSync(tampered, readFileSync(tampered, "utf8").replace("typed.add", "typed.plus"));
      const check = await runGenerateCli(copy.root, ["--check"]);
      assert.equal(check.code, 1, check.stdout + check.stderr);
      assert.match(check.stderr, /changed {2}examples\/typed\/proto\/gen\/typed\/v1\/catalog_tasks\.ts: line \d+/);
      const repair = await runGenerateCli(copy.root, []);
      assert.equal(repair.code, 0, repair.stderr);
      assert.match(repair.stdout, /wrote {4}examples\/typed\/proto\/gen\/typed\/v1\/catalog_tasks\.ts/);
      assert.equal((await runGenerateCli(copy.root, ["--check"])).code, 0);
    } finally {
      await copy.dispose();
    }
  });
});
