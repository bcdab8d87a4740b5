// `proto import-python --config-out` on real Celery apps (5.7 and 5.3): the routing project's old-style uppercase
// settings come out by their lowercase names, its queues as Celery resolves them, its routes with the glob and the
// `re:` key in order, its beat schedule in the beat schedule file's format; what a file cannot hold is warned about
// on stderr and left out. The written file, loaded back into a fresh Celery app (reference/config_from_json.py),
// routes every task and declares every queue as the original app does. No broker is used.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { hasVenv } from "../harness/amqp-reference.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORKDIR = path.join(ROOT, "conformance/python");
const TASKS = ["add", "insert", "push_notify", "work"].map((name) => `routing_project.tasks.${name}`);
const dir = mkdtempSync(path.join(tmpdir(), "import-python-config-"));
const WARNING =
  "import-python: warning: task_routes[1]: a router function (routing_project.routers.route_task) cannot be written to a configuration file; it is left out";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function proto(args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `proto import-python -A <app> --config-out <file>` with the venv's interpreter; the parsed file and the run. */
function importConfig(venv: string, name: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}, app = "routing_project.celery") {
  const file = path.join(dir, `${name}.json`);
  const run = proto(["import-python", "-A", app, "--workdir", WORKDIR, "--python", path.join(ROOT, venv, "bin/python"), "--config-out", file, ...extra], env);
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  return { file, run, config: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> };
}

function queue(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { exchange: { name: "default", type: "direct" }, name, routing_key: name, ...extra };
}

function assertRoutingProject(config: Record<string, unknown>): void {
  const keys = Object.keys(config);
  assert.deepEqual(keys, [...keys].sort(), "keys are sorted");
  for (const key of keys) assert.match(key, /^[a-z0-9_]+$/, `${key} is a lowercase name`);
  assert.equal(config["broker_url"], "redis://127.0.0.1:6391/5");
  assert.equal(config["result_backend"], "redis://127.0.0.1:6391/5");
  assert.equal(config["task_default_queue"], "default");
  assert.equal(config["task_default_exchange"], "default");
  assert.equal(config["task_default_exchange_type"], "direct");
  assert.equal(config["task_default_routing_key"], "default");
  assert.deepEqual(config["task_queues"], [queue("default"), queue("insert_data"), queue("push"), queue("work", { queue_arguments: { "x-max-priority": 9 } })]);
  // One map (the router function after it is left out); exact name, glob and regex in the project's order.
  assert.deepEqual(config["task_routes"], [
    {
      "routing_project.tasks.insert": { queue: "insert_data" },
      "routing_project.tasks.push_*": { exchange: "default", queue: "push", routing_key: "push" },
      "re:routing_project\\.tasks\\.(work|heavy_.*)$": { queue: "work", routing_key: "work" },
    },
  ]);
  assert.deepEqual(Object.keys((config["task_routes"] as Record<string, unknown>[])[0] ?? {}), [
    "routing_project.tasks.insert",
    "routing_project.tasks.push_*",
    "re:routing_project\\.tasks\\.(work|heavy_.*)$",
  ]);
  assert.deepEqual(config["beat_schedule"], {
    "add-every-30-seconds": { args: [16, 16], schedule: { every: 30 }, task: "routing_project.tasks.add" },
    "insert-weekday-mornings": {
      args: [{ id: 1, source: "beat" }],
      options: { queue: "insert_data" },
      schedule: { crontab: { day_of_month: "*", day_of_week: "mon-fri", hour: "7", minute: "30", month_of_year: "*" } },
      task: "routing_project.tasks.insert",
    },
  });
  assert.equal(config["task_serializer"], "json");
  assert.equal(config["result_serializer"], "json");
  assert.deepEqual(config["accept_content"], ["json"]);
  assert.equal(config["timezone"], "Europe/Berlin");
  assert.deepEqual(config["task_annotations"], { "routing_project.tasks.work": { rate_limit: "10/s" } });
  assert.ok(!JSON.stringify(config).includes("route_task"), "the router function is not in the file");
  assert.ok(!keys.some((key) => /^[A-Z]/.test(key) || key === "warnings"), "no uppercase names, no warnings key");
}

describe("proto import-python --config-out", { timeout: 120_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the routing project's effective configuration by lowercase names (Celery 5.7)", () => {
    const { run, config } = importConfig(".venv", "celery-5.7");
    assert.equal(run.stdout.trim(), `import-python: configuration (${Object.keys(config).length} settings) written to ${path.join(dir, "celery-5.7.json")}`);
    assert.equal(run.stderr.trim(), WARNING);
    assertRoutingProject(config);
  });

  it("writes the same configuration with Celery 5.3 (--python)", { skip: !hasVenv(".venv-5.3") }, () => {
    const { run, config } = importConfig(".venv-5.3", "celery-5.3");
    assert.equal(run.stderr.trim(), WARNING);
    assertRoutingProject(config);
    assert.deepEqual(config, JSON.parse(readFileSync(path.join(dir, "celery-5.7.json"), "utf8")));
  });

  it("writes both the catalog (--out) and the configuration; RP_QUEUE_PREFIX renames every queue, exchange and key", () => {
    const catalog = path.join(dir, "catalog.json");
    const { config } = importConfig(".venv", "prefixed", ["--out", catalog], { RP_QUEUE_PREFIX: "t-imp-rp-" });
    assert.deepEqual(Object.keys((JSON.parse(readFileSync(catalog, "utf8")) as { tasks: object }).tasks), TASKS);
    const queues = config["task_queues"] as { name: string; routing_key: string; exchange: { name: string } }[];
    assert.deepEqual(
      queues.map((q) => [q.name, q.exchange.name, q.routing_key]),
      ["default", "insert_data", "push", "work"].map((name) => [`t-imp-rp-${name}`, "t-imp-rp-default", `t-imp-rp-${name}`]),
    );
    assert.equal(config["task_default_queue"], "t-imp-rp-default");
  });

  it("without --out and --config-out still prints the catalog", () => {
    const run = proto(["import-python", "-A", "routing_project.celery", "--workdir", WORKDIR, "--python", path.join(ROOT, ".venv/bin/python")]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(Object.keys((JSON.parse(run.stdout) as { tasks: object }).tasks), TASKS);
    assert.equal(run.stderr, "");
  });

  for (const venv of [".venv", ".venv-5.3"]) {
    it(`round trip (${venv}): the file loaded into a fresh Celery app declares the same queues and routes every task alike`, { skip: !hasVenv(venv) }, () => {
      const { file } = importConfig(venv, `round-trip${venv}`);
      const r = spawnSync(
        path.join(ROOT, venv, "bin/python"),
        [path.join(WORKDIR, "reference/config_from_json.py"), file, "routing_project.celery", ...TASKS],
        {
          cwd: WORKDIR,
          encoding: "utf8",
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const { original, from_json: rebuilt } = JSON.parse(r.stdout) as Record<"original" | "from_json", Record<string, Record<string, unknown>>>;
      assert.deepEqual(rebuilt["queues"], original["queues"]);
      assert.deepEqual(rebuilt["routes"], original["routes"]);
      assert.deepEqual(rebuilt["beat"], original["beat"]);
      assert.deepEqual(rebuilt["settings"], original["settings"]);
      // The routes are the project's, not the default queue for everything.
      const queueOf = (task: string) => (original["routes"]?.[task] as { queue: { name: string } }).queue.name;
      assert.deepEqual(TASKS.map(queueOf), ["default", "insert_data", "push", "work"]);
    });
  }

  it("warns about every value a file cannot hold, by setting and path, and leaves it out", () => {
    writeFileSync(
      path.join(dir, "odd_config_app.py"),
      [
        "import re",
        "from datetime import timedelta",
        "from celery import Celery",
        "from celery.schedules import schedule",
        "class EveryOther(schedule):",
        "    pass",
        "class Annotate:",
        "    def annotate(self, task):",
        "        return None",
        "def on_failure(*args):",
        "    pass",
        "app = Celery('odd', set_as_current=False)",
        "app.conf.update(",
        "    task_routes=['odd_config_app.Router', {re.compile('odd\\\\.', re.I): 'odd', 'x': {'queue': 'x'}}],",
        "    task_annotations=[Annotate(), {'odd.t': {'rate_limit': '1/s', 'on_failure': on_failure}}],",
        "    beat_schedule={",
        "        'custom': {'task': 'odd.t', 'schedule': EveryOther(timedelta(seconds=5))},",
        "        'linked': {'task': 'odd.t', 'schedule': schedule(timedelta(minutes=1), relative=True), 'options': {'link': 'x', 'priority': 3}},",
        "    },",
        "    beat_scheduler='django_celery_beat.schedulers:DatabaseScheduler',",
        "    result_expires=timedelta(hours=2),",
        "    worker_pool=Annotate,",
        ")",
        "",
      ].join("\n"),
    );
    const { run, config } = importConfig(".venv", "odd", ["--pythonpath", dir], {}, "odd_config_app");
    const warnings = run.stderr.trim().split("\n").sort();
    assert.deepEqual(
      warnings,
      [
        "import-python: warning: beat_schedule['custom']: a beat entry without a schedule this project runs cannot be written to a configuration file; it is left out",
        "import-python: warning: beat_schedule['custom']['schedule']: a schedule object (odd_config_app.EveryOther: <freq: 5.00 seconds>) cannot be written to a configuration file; it is left out",
        "import-python: warning: beat_schedule['linked']['options']['link']: the beat option link (not one of queue, exchange, routing_key, priority, expires, headers, countdown, time_limit, soft_time_limit, ignore_result, serializer) cannot be written to a configuration file; it is left out",
        "import-python: warning: beat_scheduler: a custom beat scheduler (django_celery_beat.schedulers:DatabaseScheduler) cannot be written to a configuration file; it is left out",
        "import-python: warning: task_annotations[0]: an annotation object (odd_config_app.Annotate: <odd_config_app.Annotate object",
        "import-python: warning: task_annotations[1]['odd.t']['on_failure']: a function (odd_config_app.on_failure) cannot be written to a configuration file; it is left out",
        "import-python: warning: task_routes[0]: a router path (odd_config_app.Router, imported by Celery) cannot be written to a configuration file; it is left out",
        "import-python: warning: worker_pool: a class (odd_config_app.Annotate) cannot be written to a configuration file; it is left out",
      ].map((line, i) => (i === 4 ? (warnings[4] ?? "") : line)),
    );
    assert.match(
      warnings[4] ?? "",
      /^import-python: warning: task_annotations\[0\]: an annotation object \(odd_config_app\.Annotate: .*\) cannot be written to a configuration file; it is left out$/,
    );
    assert.deepEqual(config["task_routes"], [{ "re:(?i)odd\\.": "odd", x: { queue: "x" } }]);
    assert.deepEqual(config["task_annotations"], [{ "odd.t": { rate_limit: "1/s" } }]);
    assert.deepEqual(config["beat_schedule"], { linked: { options: { priority: 3 }, schedule: { every: 60, relative: true }, task: "odd.t" } });
    assert.equal(config["result_expires"], 7200);
    for (const key of ["beat_scheduler", "worker_pool"]) assert.ok(!(key in config), `${key} is left out`);
    assert.equal(config["task_default_queue"], "celery");
    assert.deepEqual(config["task_queues"], [{ exchange: { name: "celery", type: "direct" }, name: "celery", routing_key: "celery" }]);
  });
});
