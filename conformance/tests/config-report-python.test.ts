// `proto report`'s masking vs Celery 5.7's (`app.bugreport()`, what `celery report` prints): on the same settings,
// the same settings are listed and the same ones (and nested keys) are masked; no secret is printed by either.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { formatCeleryReport } from "../../cli/src/report/format-celery-report.js";
import { resolveCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const SECRET = "s3cretpw";

const SETTINGS = {
  broker_url: `redis://:${SECRET}@127.0.0.1:6391/0`,
  result_backend: `redis://user:${SECRET}@127.0.0.1:6391/1`,
  broker_transport_options: { visibility_timeout: 3600, sentinel_kwargs: { password: SECRET }, global_keyprefix: "app:" },
  result_backend_transport_options: { retry_policy: { timeout: 5 } },
  security_key: SECRET,
  security_certificate: "cert.pem",
  redis_password: SECRET,
  broker_password: SECRET,
  database_url: SECRET,
  database_engine_options: { echo: true },
  my_api_token: SECRET,
  task_default_queue: "jobs",
  task_routes: { "a.*": { queue: "q", routing_key: "key.a" } },
  task_annotations: { "*": { rate_limit: "10/s" } },
  cache_backend: `memcached://u:${SECRET}@h:11211/`,
  mongodb_backend_settings: { password: SECRET, database: "celery" },
};

/** `key: value` lines of a report, continuation lines joined to their key (Python's pprint wraps long values). */
function settingLines(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split("\n\n").slice(1).join("\n\n").split("\n")) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/.exec(line);
    if (match !== null) {
      last = match[1]!;
      lines.set(last, match[2]!);
    } else if (last !== null && line.trim() !== "") lines.set(last, `${lines.get(last)!} ${line.trim()}`);
  }
  return lines;
}

/** The masked places of each line: the quoted keys whose value is the mask, or the line itself. */
function masked(value: string): string[] {
  const places = [...value.matchAll(/'([^']+)': '\*{8}'/g)].map((m) => m[1]!);
  if (/^'\*{8}'$/.test(value)) places.push("<value>");
  if (/:\/\/[^'@/]*:\*{8}@/.test(value)) places.push("<url password>");
  return places.sort();
}

describe("proto report masking vs celery report (Celery 5.7)", () => {
  it("lists the same settings and masks the same ones", { skip: existsSync(PYTHON) ? false : ".venv missing: run bash scripts/setup/python.sh" }, () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CELERY")));
    const python = execFileSync(
      PYTHON,
      [
        "-c",
        "import json, sys\nfrom celery import Celery\napp = Celery(set_as_current=False)\napp.config_from_object(json.loads(sys.argv[1]))\nprint(app.bugreport())",
        JSON.stringify(SETTINGS),
      ],
      { cwd: ROOT, env, encoding: "utf8" },
    );
    const { settings, configured, warnings } = resolveCelerySettings(SETTINGS);
    const ours = formatCeleryReport({
      config: { settings, configured, warnings, source: null },
      version: "0.0.0",
      runtime: { node: "v0", system: "x", arch: "x", kernel: "x" },
    });
    assert.ok(!python.includes(SECRET), python);
    assert.ok(!ours.includes(SECRET), ours);
    const theirs = settingLines(python);
    theirs.delete("deprecated_settings"); // an attribute of Celery's Settings object that leaks into its table
    const mine = settingLines(ours);
    assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort());
    for (const [key, value] of theirs) assert.deepEqual(masked(mine.get(key)!), masked(value), `${key}: ours ${mine.get(key)}, Celery ${value}`);
    assert.match(python, /\nsettings -> transport:redis results:redis:\/\/user:\*{8}@127\.0\.0\.1:6391\/1\n/);
    assert.match(ours, /\nsettings -> transport:redis results:redis:\/\/user:\*{8}@127\.0\.0\.1:6391\/1\n/);
  });
});
