// `proto report` run from source (conformance/harness/run-proto-cli.ts, as the worker tests spawn commands).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { formatCeleryReport } from "../src/report/format-celery-report.js";
import { resolveCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLI = path.join(ROOT, "conformance/harness/run-proto-cli.ts");
const TMP = mkdtempSync(path.join(tmpdir(), "proto-report-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function proto(args: readonly string[], env: Readonly<Record<string, string>> = {}): { status: number | null; stdout: string; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CELERY")));
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env: { ...base, ...env }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function settingLines(stdout: string): string[] {
  return stdout.split("\n\n")[1]!.trimEnd().split("\n");
}

describe("proto report", () => {
  const config = path.join(TMP, "celeryconfig.yaml");
  writeFileSync(
    config,
    [
      "broker_url: redis://:s3cret@127.0.0.1:6391/0",
      "result_backend: redis://user:s3cret@127.0.0.1:6391/1",
      "task_default_queue: jobs",
      "broker_transport_options: {visibility_timeout: 3600, sentinel_kwargs: {password: s3cret}}",
      "s3_secret_access_key: s3cret",
      "worker_pool: solo",
      "task_rutes: {}",
      "",
    ].join("\n"),
  );

  it("prints versions, transport and the configured settings sorted, secrets masked; warnings on stderr", () => {
    const r = proto(["report", "--config", config]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^software -> celery-proto:\d+\.\d+\.\d+\S* node:v\d+/);
    assert.match(r.stdout, /\nsettings -> transport:redis results:redis:\/\/user:\*{8}@127\.0\.0\.1:6391\/1\n/);
    assert.match(r.stdout, new RegExp(`\\nconfig   -> ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
    assert.ok(!r.stdout.includes("s3cret"), r.stdout);
    assert.deepEqual(settingLines(r.stdout), [
      "broker_transport_options: {'visibility_timeout': 3600, 'sentinel_kwargs': {'password': '********'}}",
      "broker_url: 'redis://:********@127.0.0.1:6391/0'",
      "result_backend: 'redis://user:********@127.0.0.1:6391/1'",
      "s3_secret_access_key: '********'",
      "task_default_queue: 'jobs'",
      "task_rutes: {}",
      "worker_pool: 'solo'",
    ]);
    assert.equal(
      r.stderr,
      "celery-proto: warning: s3_secret_access_key: not implemented by celery-proto; ignored\ncelery-proto: warning: worker_pool: not implemented by celery-proto; ignored\ncelery-proto: warning: task_rutes: not a Celery setting (did you mean task_routes?); ignored\n",
    );
  });

  it("takes CELERY_PROTO_CONFIG, CELERY_BROKER_URL over the file, and --broker over both", () => {
    const viaEnv = proto(["report"], { CELERY_PROTO_CONFIG: config, CELERY_BROKER_URL: "amqp://guest:pw@h:5672//" });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    assert.ok(settingLines(viaEnv.stdout).includes("broker_url: 'amqp://guest:********@h:5672//'"));
    const viaFlag = proto(["report", "-b", "memory://"], { CELERY_PROTO_CONFIG: config, CELERY_BROKER_URL: "amqp://guest:pw@h:5672//" });
    assert.ok(settingLines(viaFlag.stdout).includes("broker_url: 'memory://'"));
    assert.match(viaFlag.stdout, /transport:memory /);
  });

  it("--with-defaults prints every setting; without a configuration, Celery's defaults", () => {
    const r = proto(["report", "--with-defaults"]);
    assert.equal(r.status, 0, r.stderr);
    const lines = settingLines(r.stdout);
    assert.ok(lines.length > 200);
    assert.ok(lines.includes("task_default_queue: 'celery'"));
    assert.ok(lines.includes("accept_content: ['json']"));
    assert.ok(lines.includes("broker_password: '********'"));
    assert.match(r.stdout, /config   -> none .*\nsettings -> transport:amqp results:disabled\n/);
  });

  it("exits 1 naming the setting and the file for a bad value", () => {
    const bad = path.join(TMP, "bad.json");
    writeFileSync(bad, JSON.stringify({ task_queues: [{ name: 1 }] }));
    const r = proto(["report", "--config", bad]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^InvalidOption: task_queues\/0\/name: expected a non-empty string, got 1\n\(in .*bad\.json\)\n {2}at \/task_queues\/0\/name: /);
  });
});

describe("formatCeleryReport", () => {
  it("masks settings by Celery's HIDDEN_SETTINGS names", () => {
    const { settings, configured, warnings } = resolveCelerySettings({ database_url: "x", my_signature: "y", task_default_queue: "q" });
    const text = formatCeleryReport({
      config: { settings, configured, warnings, source: null },
      version: "1.2.3",
      runtime: { node: "v22.0.0", system: "linux", arch: "x64", kernel: "6.1" },
    });
    assert.deepEqual(settingLines(text), ["database_url: '********'", "my_signature: '********'", "task_default_queue: 'q'"]);
    assert.match(text, /^software -> celery-proto:1\.2\.3 node:v22\.0\.0\n {12}settings of celery:5\.7\.0\nplatform -> system:linux arch:x64\n/);
  });
});
