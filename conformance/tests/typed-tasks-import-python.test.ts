// `proto import-python` on real Celery apps (the conformance app and the typed example's app): the catalogs it
// writes generate clients that compile and call the Python workers with typed results (Redis, broker db 22,
// results db 23).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { typeCheckFiles } from "../../codegen/test/support/type-check-files.js";
import { bindTasks, createClient, CeleryProtoError, type AnyCatalogTask, type Client } from "../../sdk/src/index.js";
import { generateCatalog } from "../../codegen/src/catalog/generate-catalog.js";
import { importPythonCatalog } from "../../codegen/src/catalog/import-python-catalog.js";
import { writeCatalogOutput } from "../../codegen/src/catalog/write-catalog-output.js";
import { redisDbUrl } from "../harness/broker-urls.js";
import { PythonWorker } from "../harness/python-worker.js";
import { startTypedPythonWorker } from "../harness/typed-example.js";
import { ensureBuilt } from "../harness/ensure-built.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BROKER = redisDbUrl(22);
const RESULTS = redisDbUrl(23);
const SDK = path.join(ROOT, "sdk/src/index.js");

// Below node_modules so the generated validators resolve ajv like any project's would.
mkdirSync(path.join(ROOT, "node_modules/.cache"), { recursive: true });
const dir = mkdtempSync(path.join(ROOT, "node_modules/.cache/import-python-"));

function proto(args: readonly string[]): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** import-python + generate in one command, into `dir/<name>`; returns the generated module. */
function importApp(name: string, app: string, workdir: string): string {
  const out = path.join(dir, name);
  const output = proto([
    "import-python",
    "-A",
    app,
    "--workdir",
    workdir,
    "--python",
    ".venv/bin/python",
    "--out",
    path.join(out, "catalog.json"),
    "--gen",
    path.join(out, "gen"),
    "--runtime",
    SDK,
  ]);
  assert.match(output, /generate: 3 files \(3 written/);
  return path.join(out, "gen/catalog_tasks.ts");
}

describe("proto import-python → generated clients against real Python workers (Redis)", { timeout: 180_000 }, () => {
  let conformanceGen: string;
  let exampleGen: string;
  let client: Client;

  before(async () => {
    ensureBuilt();
    conformanceGen = importApp("conformance", "conformance_app", "conformance/python");
    exampleGen = importApp("example", "typed_app", "examples/typed/python");
    client = await createClient({ broker: BROKER, backend: RESULTS });
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the catalogs carry the Python signatures and type hints", () => {
    const catalog = JSON.parse(readFileSync(path.join(dir, "conformance/catalog.json"), "utf8")) as { tasks: Record<string, unknown> };
    assert.deepEqual(catalog.tasks["conformance.add"], {
      args: [
        { name: "x", schema: { type: "integer" } },
        { name: "y", schema: { type: "integer" } },
      ],
      result: { type: "integer" },
    });
    assert.deepEqual(catalog.tasks["conformance.fail"], { args: [{ name: "message", schema: { type: "string" }, required: false }], result: { type: "null" } });
    assert.deepEqual(catalog.tasks["conformance.echo"], { varargs: true, varkwargs: true, result: { type: "object", additionalProperties: true } });
    const example = JSON.parse(readFileSync(path.join(dir, "example/catalog.json"), "utf8")) as {
      tasks: Record<string, unknown>;
      $defs: Record<string, unknown>;
    };
    assert.deepEqual(example.$defs["Point"], {
      description: "A point in the plane.",
      type: "object",
      properties: { x: { type: "number" }, y: { type: "number" } },
      required: ["x", "y"],
      additionalProperties: false,
    });
    assert.deepEqual((example.tasks["typed.describe_point"] as { kwargs: unknown }).kwargs, [
      { name: "label", schema: { type: ["string", "null"] }, required: false },
    ]);
  });

  it("maps Python hints: dataclass, TypedDict, Enum, Literal, tuple, Optional[dict], keyword-only, *args/**kwargs, task options", async () => {
    const catalog = await importPythonCatalog({
      app: "import_python_fixture",
      cwd: path.join(ROOT, "conformance/python"),
      python: path.join(ROOT, ".venv/bin/python"),
    });
    assert.deepEqual(catalog.tasks["fixture.run"], {
      description: "Runs a job.",
      args: [
        { name: "job", schema: { $ref: "#/$defs/Job" } },
        { name: "mode", schema: { enum: ["fast", "slow"] } },
        { name: "pair", schema: { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }], items: false, minItems: 2 } },
      ],
      kwargs: [
        { name: "limits", schema: { anyOf: [{ type: "object", additionalProperties: { type: "number" } }, { type: "null" }] }, required: false },
        { name: "color", schema: { $ref: "#/$defs/Color" }, required: false },
      ],
      result: { $ref: "#/$defs/Summary" },
      options: { queue: "jobs", timeLimit: 60, retry: { maxRetries: 5, retryBackoff: true, autoretryFor: ["ValueError"] } },
    });
    assert.deepEqual(catalog.tasks["fixture.untyped"], {
      args: [
        { name: "a", schema: true },
        { name: "b", schema: true, required: false },
      ],
      varargs: true,
      varkwargs: true,
      result: true,
    });
    assert.deepEqual(catalog.$defs, {
      Color: { enum: ["red", "blue"] },
      Job: {
        type: "object",
        properties: { name: { type: "string" }, size: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
        required: ["name"],
        additionalProperties: false,
      },
      Summary: {
        type: "object",
        properties: { jobs: { type: "integer" }, color: { $ref: "#/$defs/Color" } },
        required: ["jobs", "color"],
        additionalProperties: false,
      },
    });
    const out = path.join(dir, "fixture");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "fixture.json"), JSON.stringify(catalog));
    const files = await generateCatalog({ catalog: path.join(out, "fixture.json"), outDir: out, runtime: SDK });
    assert.match(
      files[0]?.content ?? "",
      /export const run = defineCatalogTask<\[job: Job, mode: "fast" \| "slow", pair: \[number, string\]\], Summary, \{ readonly limits\?: \{\n    \[key: string\]: number;\n  \} \| null; readonly color\?: Color \}>/,
    );
  });

  it("the generated clients compile, and wrong calls do not", () => {
    const ok = path.join(dir, "ok.ts");
    const bad = path.join(dir, "bad.ts");
    const prelude = `import { bindTasks, type Client } from ${JSON.stringify(SDK)};
import { tasks as c } from ${JSON.stringify(conformanceGen.replace(/\.ts$/, ".js"))};
import { tasks as e } from ${JSON.stringify(exampleGen.replace(/\.ts$/, ".js"))};
declare const client: Client;
export async function f(): Promise<void> {
  const tc = bindTasks(client, c);
  const te = bindTasks(client, e);
`;
    writeFileSync(
      ok,
      `${prelude}  const n: number = await (await tc.add.delay(1, 2)).get();
  const s: number = await (await tc.xsum.delay([1, 2.5])).get();
  const d: string = await (await te.describePoint.enqueue([{ x: 1, y: 2 }], { kwargs: { label: null } })).get();
  const echoed: { [key: string]: unknown } = await (await tc.echo.enqueue([1, "a"], { kwargs: { k: true } })).get();
  void n; void s; void d; void echoed;
}
`,
    );
    writeFileSync(
      bad,
      `${prelude}  await tc.add.delay(1, "2");
}
`,
    );
    const diagnostics = typeCheckFiles([ok, bad]);
    const text = (file: string) => diagnostics.filter((d) => d.file?.fileName === file).map((d) => `TS${d.code}`);
    assert.deepEqual(
      diagnostics.filter((d) => d.file?.fileName !== bad).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")),
      [],
    );
    assert.deepEqual(text(bad), ["TS2345"]);
  });

  it("the conformance app's generated client calls the real Celery worker and reads typed results", async () => {
    const worker = await PythonWorker.start({ brokerUrl: BROKER, resultBackend: RESULTS, queue: "celery" });
    try {
      const { tasks } = (await import(pathToFileURL(conformanceGen).href)) as { tasks: Record<string, AnyCatalogTask> };
      const t = bindTasks(client, tasks) as unknown as Record<string, { delay: (...args: unknown[]) => Promise<{ get: (o: object) => Promise<unknown> }> }>;
      assert.equal(await (await t["add"]!.delay(2, 3)).get({ timeoutMs: 30_000 }), 5);
      assert.equal(await (await t["xsum"]!.delay([1, 2, 3.5])).get({ timeoutMs: 30_000 }), 6.5);
      await assert.rejects((await t["fail"]!.delay("bad")).get({ timeoutMs: 30_000 }), /bad/);
      await assert.rejects(
        t["add"]!.delay(2, "3"),
        (e: unknown) => CeleryProtoError.is(e, "InvalidArguments") && e.message === 'conformance.add: argument "y" must be integer (rule: type)',
      );

      // A catalog that claims more than the Python task delivers: the typed result is checked when read.
      const lying = path.join(dir, "lying");
      mkdirSync(lying, { recursive: true });
      writeFileSync(
        path.join(lying, "lying.json"),
        JSON.stringify({
          tasks: {
            "conformance.add": {
              args: [
                { name: "x", schema: { type: "integer" } },
                { name: "y", schema: { type: "integer" } },
              ],
              result: { type: "string" },
            },
          },
        }),
      );
      await writeCatalogOutput(
        path.join(lying, "gen"),
        await generateCatalog({ catalog: path.join(lying, "lying.json"), outDir: path.join(lying, "gen"), runtime: SDK }),
      );
      const lyingTasks = ((await import(pathToFileURL(path.join(lying, "gen/lying_tasks.ts")).href)) as { tasks: Record<string, AnyCatalogTask> }).tasks;
      const l = bindTasks(client, lyingTasks) as unknown as Record<
        string,
        { delay: (...args: unknown[]) => Promise<{ get: (o: object) => Promise<unknown> }> }
      >;
      await assert.rejects(
        (await l["add"]!.delay(2, 3)).get({ timeoutMs: 30_000 }),
        (e: unknown) => CeleryProtoError.is(e, "InvalidResult") && e.message === "conformance.add: result must be string (rule: type)",
      );
    } finally {
      await worker.stop();
    }
  });

  it("the example app's generated client calls its real Celery worker", async () => {
    const worker = await startTypedPythonWorker({ brokerUrl: BROKER, resultBackend: RESULTS, pyQueue: "celery" });
    try {
      const { tasks } = (await import(pathToFileURL(exampleGen).href)) as { tasks: Record<string, AnyCatalogTask> };
      const t = bindTasks(client, tasks) as unknown as Record<
        string,
        { enqueue: (args: unknown[], o?: object) => Promise<{ get: (o: object) => Promise<unknown> }> }
      >;
      assert.equal(await (await t["describePoint"]!.enqueue([{ x: 3, y: 4 }], { kwargs: { label: "Q" } })).get({ timeoutMs: 30_000 }), "Q (3, 4)");
      assert.equal(await (await t["mul"]!.enqueue([6, 7])).get({ timeoutMs: 30_000 }), 42);
    } finally {
      await worker.stop();
    }
  });
});
