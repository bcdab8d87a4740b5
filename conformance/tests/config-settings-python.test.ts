// Differential test of resolveCelerySettings against Python Celery 5.7 (.venv): the same settings dicts (new names,
// old names, mixes) go through `app.config_from_object(dict)` + `app.conf[key]` (conformance/python/reference/
// settings_reference.py) and through resolveCelerySettings; both must agree on every implemented setting's effective
// value, and on which dicts are refused (Celery's ImproperlyConfigured, with the same message).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { IMPLEMENTED_CELERY_SETTINGS } from "../../sdk/src/config/implemented-celery-settings.js";
import { resolveCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const SCRIPT = path.join(ROOT, "conformance/python/reference/settings_reference.py");

type Answer = { readonly values: Readonly<Record<string, unknown>> } | { readonly error: string; readonly message: string };

const CASES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  empty: {},
  "new names": {
    broker_url: "redis://127.0.0.1:6379/0",
    result_backend: "redis://127.0.0.1:6379/1",
    task_default_queue: "jobs",
    task_routes: { "feeds.*": "feeds", "re:^video\\.": { queue: "videos", routing_key: "media.video" } },
    worker_prefetch_multiplier: 1,
    task_acks_late: true,
  },
  tls: {
    broker_url: "amqps://guest:guest@localhost:5671//",
    broker_use_ssl: { ca_certs: "/etc/ssl/ca.pem", certfile: "/etc/ssl/client.pem", keyfile: "/etc/ssl/client.key", cert_reqs: 2 },
    result_backend: "rediss://localhost:6380/0",
    redis_backend_use_ssl: { ssl_cert_reqs: 2, ssl_ca_certs: "/etc/ssl/ca.pem" },
  },
  "old tls names": { BROKER_USE_SSL: true, CELERY_REDIS_BACKEND_USE_SSL: { ssl_cert_reqs: "required" } },
  "old names": {
    BROKER_URL: "amqp://guest:guest@localhost:5672//",
    CELERY_RESULT_BACKEND: "rpc://",
    CELERY_ROUTES: { "a.b": { queue: "q1" } },
    CELERY_QUEUES: [{ name: "q1", routing_key: "q1" }],
    CELERYD_CONCURRENCY: 4,
    CELERY_DEFAULT_QUEUE: "default",
    CELERYBEAT_SCHEDULE: { tick: { task: "t.tick", schedule: { every: 10 } } },
    CELERY_TASK_RESULT_EXPIRES: 3600,
    CELERY_ACCEPT_CONTENT: ["json", "msgpack"],
  },
  "old names, worker and events": {
    CELERYD_PREFETCH_MULTIPLIER: 8,
    CELERY_SEND_EVENTS: true,
    CELERY_SEND_TASK_SENT_EVENT: true,
    CELERY_EVENT_QUEUE_TTL: 10,
    CELERY_TRACK_STARTED: true,
    CELERYD_TASK_TIME_LIMIT: 30,
    CELERYD_TASK_SOFT_TIME_LIMIT: 20,
  },
  "old names, exchange and priority": {
    CELERY_DEFAULT_EXCHANGE: "tasks",
    CELERY_DEFAULT_EXCHANGE_TYPE: "topic",
    CELERY_DEFAULT_ROUTING_KEY: "task.default",
    CELERY_QUEUE_MAX_PRIORITY: 10,
    CELERY_DEFAULT_PRIORITY: 5,
    CELERY_CREATE_MISSING_QUEUES: false,
  },
  "queues as a name map": {
    task_queues: { default: { exchange: "default", routing_key: "default" }, low: { routing_key: "low" } },
    task_default_queue: "default",
  },
  "route list and annotations": {
    task_routes: [{ "a.*": "qa" }, { "b.*": { queue: "qb", priority: 3 } }],
    task_annotations: { "tasks.add": { rate_limit: "10/s" } },
  },
  "serializers and compression": {
    task_serializer: "msgpack",
    result_serializer: "json",
    accept_content: ["json", "msgpack"],
    result_accept_content: ["json"],
    task_compression: "gzip",
    result_extended: true,
  },
  "broker connection": {
    broker_connection_timeout: 2.5,
    broker_connection_retry: false,
    broker_connection_retry_on_startup: true,
    broker_connection_max_retries: null,
    broker_transport_options: { visibility_timeout: 3600, global_keyprefix: "app:" },
  },
  "time and beat": {
    timezone: "Europe/Berlin",
    enable_utc: false,
    beat_max_loop_interval: 30,
    beat_schedule: { a: { task: "t.a", schedule: { cron: "0 * * * *" } } },
  },
  "both spellings of one setting": { result_backend: "rpc://", CELERY_RESULT_BACKEND: "redis://h/1", broker_url: "redis://h/0" },
  "both spellings, old style": { BROKER_URL: "redis://h/0", CELERY_ROUTES: { a: "b" }, task_routes: { c: "d" }, CELERY_DEFAULT_QUEUE: "x" },
  "unknown names kept": { broker_url: "redis://h/0", my_app_setting: 1, task_rutes: {} },
  "unimplemented settings": { worker_pool: "solo", task_default_queue: "q", imports: ["proj.tasks"] },
  "a tie goes to the new names": { CELERY_ROUTES: {}, task_default_queue: "x" },
  "mixed: one old name among new ones": { task_routes: {}, broker_url: "redis://h/0", CELERY_DEFAULT_QUEUE: "x" },
  "mixed: several old names among new ones": {
    task_routes: {},
    broker_url: "redis://h/0",
    result_backend: "rpc://",
    CELERYD_CONCURRENCY: 2,
    CELERY_IGNORE_RESULT: true,
  },
  "mixed: new names among mostly old ones": { CELERY_ROUTES: {}, BROKER_URL: "redis://h/0", CELERY_ACKS_LATE: true, worker_concurrency: 2 },
  "mixed: old style with an unimplemented new name": {
    BROKER_URL: "redis://h/0",
    CELERY_ROUTES: {},
    CELERY_ACKS_LATE: true,
    worker_pool: "solo",
    task_track_started: true,
  },
  "old names of unimplemented settings only": { CELERYD_POOL: "solo", CELERY_IMPORTS: ["a"] },
  "task behaviour": {
    task_ignore_result: true,
    task_reject_on_worker_lost: true,
    task_acks_on_failure_or_timeout: false,
    task_inherit_parent_priority: true,
    task_default_delivery_mode: "transient",
    task_default_queue_type: "quorum",
  },
};

function python(keys: readonly string[]): Record<string, Answer> {
  const cases = Object.entries(CASES).map(([id, settings]) => ({ id, settings }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CELERY")));
  const out = execFileSync(PYTHON, [SCRIPT], { cwd: ROOT, env, input: JSON.stringify({ keys, cases }), encoding: "utf8" });
  return JSON.parse(out) as Record<string, Answer>;
}

function ours(settings: Readonly<Record<string, unknown>>, keys: readonly string[]): Answer {
  try {
    const resolved = resolveCelerySettings(settings).settings;
    return { values: Object.fromEntries(keys.map((key) => [key, resolved[key]])) };
  } catch (e) {
    if (!CeleryProtoError.is(e, "InvalidOption")) throw e;
    return { error: "ImproperlyConfigured", message: e.message };
  }
}

describe("resolveCelerySettings vs Celery 5.7's app.conf (config_from_object)", () => {
  const skip = existsSync(PYTHON) ? false : ".venv missing: run bash scripts/setup/python.sh";
  const keys = [...IMPLEMENTED_CELERY_SETTINGS].sort();
  const answers = skip === false ? python(keys) : {};

  for (const [id, settings] of Object.entries(CASES)) {
    it(id, { skip }, () => {
      const theirs = answers[id]!;
      const mine = ours(settings, keys);
      if ("error" in theirs || "error" in mine) {
        assert.deepEqual(
          "error" in mine ? { error: mine.error, message: mine.message } : mine,
          "error" in theirs ? { error: theirs.error, message: theirs.message.trim() } : theirs,
        );
        return;
      }
      for (const key of keys) assert.deepEqual(mine.values[key], theirs.values[key], key);
    });
  }

  it("covers refusals and acceptances", () => {
    assert.ok(Object.keys(CASES).length >= 20);
  });
});
