// `proto conformance list --catalog` through the built binary, without a broker: the typed example's catalog cases
// (catalog/<task>/<vector> and their /celery-producer variants, as `run --catalog` makes them) come after the shipped
// cases, `--cases` selects among them, and an invalid catalog is refused as `run` refuses it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { ensureBuilt } from "../../../conformance/harness/ensure-built.js";
import { loadCatalogCases } from "../../src/conformance-suite/catalog-cases.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "bin/proto.js");
const CATALOG = path.join(ROOT, "examples/typed/catalog.json");

function proto(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ListJson {
  readonly cases: readonly { readonly name: string; readonly direction: string; readonly file: string }[];
}

describe("proto conformance list --catalog", () => {
  before(() => {
    ensureBuilt();
  });

  it("lists the catalog's cases after the shipped ones, both directions, as run makes them", async () => {
    const r = proto(["conformance", "list", "--catalog", CATALOG, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const listed = (JSON.parse(r.stdout) as ListJson).cases;
    const fromCatalog = listed.filter((c) => c.name.startsWith("catalog/"));
    const expected = (await loadCatalogCases(CATALOG, undefined)).cases;
    assert.deepEqual(
      fromCatalog.map((c) => [c.name, c.direction]),
      expected.map((c) => [c.name, c.direction]),
    );
    assert.ok(fromCatalog.some((c) => c.name === "catalog/typed.shout/times.maximum" && c.direction === "ts-to-celery"));
    assert.ok(fromCatalog.some((c) => c.name === "catalog/typed.add/minimal/celery-producer" && c.direction === "celery-to-ts"));
    assert.ok(fromCatalog.every((c) => c.file === CATALOG));
    const firstCatalog = listed.findIndex((c) => c.name.startsWith("catalog/"));
    assert.ok(firstCatalog > 0, "shipped cases first");
    assert.equal(listed.length - firstCatalog, fromCatalog.length);
  });

  it("--cases selects among them; --catalog-queue is accepted as run accepts it", () => {
    const r = proto(["conformance", "list", "--catalog", CATALOG, "--catalog-queue", "typed", "--cases", "catalog/typed.shout/**"]);
    assert.equal(r.status, 0, r.stderr);
    const names = r.stdout
      .split("\n")
      .filter((line) => line.startsWith("catalog/"))
      .map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(names, [
      "catalog/typed.shout/minimal",
      "catalog/typed.shout/minimal/celery-producer",
      "catalog/typed.shout/all",
      "catalog/typed.shout/all/celery-producer",
      "catalog/typed.shout/text.unicode",
      "catalog/typed.shout/text.unicode/celery-producer",
      "catalog/typed.shout/times.minimum",
      "catalog/typed.shout/times.minimum/celery-producer",
      "catalog/typed.shout/times.maximum",
      "catalog/typed.shout/times.maximum/celery-producer",
    ]);
    assert.match(r.stdout, /^10 cases\.$/m);
    assert.match(r.stdout, /^catalog\/typed\.shout\/all\/celery-producer\s+celery-to-ts\s+-$/m);
  });

  it("an invalid catalog exits 2 with the error run gives", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "conformance-list-catalog-"));
    const bad = path.join(dir, "catalog.json");
    writeFileSync(bad, JSON.stringify({ tasks: 3 }));
    const listed = proto(["conformance", "list", "--catalog", bad]);
    assert.equal(listed.status, 2);
    assert.equal(listed.stdout, "");
    assert.match(listed.stderr, /^InvalidOption: --catalog: not a task catalog \(schemas\/json\/task-catalog\.schema\.json\): at \/tasks: must be object/);
    // run reads the catalog before it connects: no broker is reached.
    const run = proto(["conformance", "run", "--catalog", bad, "--broker", "redis://127.0.0.1:9/0", "--backend", "redis://127.0.0.1:9/1"]);
    assert.equal(run.status, 2);
    assert.equal(listed.stderr, run.stderr);
    const missing = proto(["conformance", "list", "--catalog", path.join(dir, "missing.json")]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--catalog: not a readable JSON file/);
  });
});
