import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { loadCeleryConfig, loadCelerySettings, resolveConfigSource } from "../src/config/load-celery-config.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";

const TMP = mkdtempSync(path.join(tmpdir(), "celery-config-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(TMP, name);
  writeFileSync(file, text);
  return file;
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(CeleryProtoError.is(error, "InvalidOption"), String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe("loadCelerySettings: file formats", () => {
  it("reads JSON", async () => {
    const file = write("celeryconfig.json", JSON.stringify({ broker_url: "redis://h/0", task_routes: { "a.*": "q" } }));
    assert.deepEqual(await loadCelerySettings(file), { broker_url: "redis://h/0", task_routes: { "a.*": "q" } });
  });

  it("reads YAML (.yaml and .yml)", async () => {
    const text = "broker_url: redis://h/0\ntask_queues:\n  - name: q1\n    routing_key: k1\naccept_content: [json]\n";
    const expected = { broker_url: "redis://h/0", task_queues: [{ name: "q1", routing_key: "k1" }], accept_content: ["json"] };
    assert.deepEqual(await loadCelerySettings(write("celeryconfig.yaml", text)), expected);
    assert.deepEqual(await loadCelerySettings(write("celeryconfig.yml", text)), expected);
  });

  it("imports a JavaScript module's `config` export (.js, .mjs, .cjs)", async () => {
    assert.deepEqual(await loadCelerySettings(write("plain.js", 'exports.config = { broker_url: "redis://h/0" };\n')), { broker_url: "redis://h/0" });
    assert.deepEqual(await loadCelerySettings(write("esm-config.mjs", 'export const config = { task_default_queue: "jobs" };\n')), {
      task_default_queue: "jobs",
    });
    assert.deepEqual(await loadCelerySettings(write("cjs-config.cjs", 'exports.config = { CELERY_ROUTES: { a: "b" } };\n')), { CELERY_ROUTES: { a: "b" } });
    assert.deepEqual(await loadCelerySettings(write("cjs-plain.cjs", "module.exports = { worker_concurrency: 2 };\n")), { worker_concurrency: 2 });
    assert.deepEqual(await loadCelerySettings(write("default-export.mjs", "export default { enable_utc: false };\n")), { enable_utc: false });
  });

  it("imports a TypeScript module", async () => {
    const file = write("ts-config.ts", 'type Settings = Record<string, unknown>;\nexport const config: Settings = { broker_url: "amqp://guest@h//" };\n');
    assert.deepEqual(await loadCelerySettings(file), { broker_url: "amqp://guest@h//" });
  });

  it("refuses a missing file, bad syntax, an unknown extension, a non-object and a module without config", async () => {
    await rejectsWith(loadCelerySettings(path.join(TMP, "missing.json")), /^config: cannot read .*missing\.json: ENOENT/);
    await rejectsWith(loadCelerySettings(path.join(TMP, "missing.ts")), /^config: cannot read .*missing\.ts: ENOENT/);
    await rejectsWith(loadCelerySettings(write("bad.json", "{broker_url: 1")), /^config: .*bad\.json is not valid JSON: /);
    await rejectsWith(loadCelerySettings(write("bad.yaml", "a: [1\n")), /^config: .*bad\.yaml is not valid YAML: /);
    await rejectsWith(
      loadCelerySettings(write("config.toml", "")),
      /^config: .*config\.toml is not a \.json, \.yaml or \.yml file of Celery settings, or a \.js/,
    );
    await rejectsWith(loadCelerySettings(write("list.yaml", "- a\n")), /^config: .*list\.yaml must hold one object of Celery settings .*got a list$/);
    await rejectsWith(
      loadCelerySettings(write("no-config.mjs", "export const settings = {};\n")),
      /^config: .*no-config\.mjs exports no `config`: export the settings as/,
    );
    await rejectsWith(loadCelerySettings(write("throws.mjs", 'throw new Error("boom");\n')), /^config: importing .*throws\.mjs failed: boom$/);
  });
});

describe("resolveConfigSource and loadCeleryConfig", () => {
  it("takes the flag, else CELERY_PROTO_CONFIG, else nothing", () => {
    assert.equal(resolveConfigSource("a.json", { CELERY_PROTO_CONFIG: "b.json" }), "a.json");
    assert.equal(resolveConfigSource(undefined, { CELERY_PROTO_CONFIG: "b.json" }), "b.json");
    assert.equal(resolveConfigSource("", { CELERY_PROTO_CONFIG: "" }), null);
    assert.equal(resolveConfigSource(null, {}), null);
  });

  it("loads, resolves and applies env and overrides: flags > env > file > defaults", async () => {
    const file = write("full.yaml", "BROKER_URL: redis://file/0\nCELERY_RESULT_BACKEND: redis://file/1\nCELERY_DEFAULT_QUEUE: jobs\nCELERYD_POOL: solo\n");
    const loaded = await loadCeleryConfig({
      env: { CELERY_PROTO_CONFIG: file, CELERY_BROKER_URL: "redis://env/0" },
      overrides: { result_backend: "rpc://" },
    });
    assert.equal(loaded.source, file);
    assert.equal(loaded.settings.broker_url, "redis://env/0");
    assert.equal(loaded.settings.result_backend, "rpc://");
    assert.equal(loaded.settings.task_default_queue, "jobs");
    assert.equal(loaded.settings.worker_prefetch_multiplier, 4);
    assert.deepEqual(loaded.warnings.slice(1), ["worker_pool: not implemented by celery-proto; ignored"]);
  });

  it("without any configuration gives Celery's defaults", async () => {
    const loaded = await loadCeleryConfig({ env: {} });
    assert.equal(loaded.source, null);
    assert.equal(loaded.settings.task_default_queue, "celery");
    assert.deepEqual(loaded.warnings, []);
  });

  it("names the file when a value is wrong", async () => {
    const file = write("wrong.json", JSON.stringify({ worker_concurrency: "four" }));
    await rejectsWith(loadCeleryConfig({ file, env: {} }), /^worker_concurrency: expected an integer >= 1, got "four"\n\(in .*wrong\.json\)$/);
  });
});
