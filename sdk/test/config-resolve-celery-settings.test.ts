import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyCeleryEnvironment } from "../src/config/apply-celery-environment.js";
import { filterHiddenSettings } from "../src/config/filter-hidden-settings.js";
import { CELERY_SETTINGS_TABLE } from "../src/config/gen/celery-settings-table.js";
import { IMPLEMENTED_CELERY_SETTINGS, type UnlistedImplementedSettings } from "../src/config/implemented-celery-settings.js";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { beatScheduleFromSettings } from "../src/beat/load-beat-schedule.js";

// Compile-time: every setting CelerySettings declares is in IMPLEMENTED_CELERY_SETTINGS.
const everyDeclaredSettingListed: [UnlistedImplementedSettings] extends [never] ? true : UnlistedImplementedSettings = true;

function rejects(raw: unknown, pattern: RegExp): CeleryProtoError {
  let caught: unknown;
  assert.throws(
    () => resolveCelerySettings(raw),
    (error: unknown) => {
      caught = error;
      return CeleryProtoError.is(error, "InvalidOption") && pattern.test(error.message);
    },
  );
  return caught as CeleryProtoError;
}

describe("resolveCelerySettings: names", () => {
  it("lists exactly the settings CelerySettings declares, all known to Celery", () => {
    assert.equal(everyDeclaredSettingListed, true);
    const known = new Set(CELERY_SETTINGS_TABLE.map((spec) => spec.name));
    for (const name of IMPLEMENTED_CELERY_SETTINGS) assert.ok(known.has(name), name);
  });

  it("maps old uppercase names to the new ones, as Celery does", () => {
    const { settings, warnings } = resolveCelerySettings({
      CELERY_ROUTES: { "a.*": "q1" },
      CELERY_QUEUES: [{ name: "q1" }],
      BROKER_URL: "redis://127.0.0.1:6379/0",
      CELERY_RESULT_BACKEND: "redis://127.0.0.1:6379/1",
      CELERYD_CONCURRENCY: 3,
      CELERYBEAT_SCHEDULE: { tick: { task: "t.tick", schedule: { every: 5 } } },
      CELERY_DEFAULT_QUEUE: "jobs",
      CELERY_TASK_RESULT_EXPIRES: 60,
      CELERYD_PREFETCH_MULTIPLIER: 1,
    });
    assert.deepEqual(settings.task_routes, { "a.*": "q1" });
    assert.deepEqual(settings.task_queues, [{ name: "q1" }]);
    assert.equal(settings.broker_url, "redis://127.0.0.1:6379/0");
    assert.equal(settings.result_backend, "redis://127.0.0.1:6379/1");
    assert.equal(settings.worker_concurrency, 3);
    assert.deepEqual(Object.keys(settings.beat_schedule), ["tick"]);
    assert.equal(settings.task_default_queue, "jobs");
    assert.equal(settings.result_expires, 60);
    assert.equal(settings.worker_prefetch_multiplier, 1);
    assert.equal(settings["CELERY_ROUTES"], undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /old setting names are deprecated by Celery .*CELERY_ROUTES -> task_routes/);
  });

  it("refuses old names in a new-style configuration with Celery's message", () => {
    const error = rejects({ task_routes: {}, broker_url: "redis://h/0", CELERY_DEFAULT_QUEUE: "x" }, /^Cannot mix new and old setting keys/);
    assert.equal(
      error.message,
      "Cannot mix new and old setting keys, please rename the\nfollowing settings to the new format:\n\nCELERY_DEFAULT_QUEUE                 -> task_default_queue",
    );
    assert.deepEqual(
      error.details.map((d) => d.path),
      ["/CELERY_DEFAULT_QUEUE"],
    );
  });

  it("refuses new names in a mostly old-style configuration, listing the new ones", () => {
    const error = rejects(
      { CELERY_ROUTES: {}, BROKER_URL: "redis://h/0", CELERY_ACKS_LATE: true, task_default_queue: "x", worker_pool: "solo" },
      /^Cannot mix new setting names/,
    );
    assert.match(error.message, /task_default_queue {19}-> CELERY_DEFAULT_QUEUE\nworker_pool {26}-> CELERYD_POOL\n\nOr change all/);
  });

  it("on a tie the new style wins; a name given in both styles is not a mix", () => {
    rejects({ task_routes: {}, CELERY_DEFAULT_QUEUE: "x" }, /rename the\nfollowing settings to the new format:\n\nCELERY_DEFAULT_QUEUE/);
    const { settings } = resolveCelerySettings({ result_backend: "rpc://", CELERY_RESULT_BACKEND: "redis://h/1", broker_url: "redis://h/0" });
    assert.equal(settings.result_backend, "rpc://");
  });

  it("warns about an unknown name with the nearest setting, and about unimplemented Celery settings", () => {
    const { settings, warnings } = resolveCelerySettings({ task_rutes: {}, worker_pool: "solo", my_own_thing: 1 });
    assert.deepEqual(warnings, [
      "task_rutes: not a Celery setting (did you mean task_routes?); ignored",
      "worker_pool: not implemented by celery-proto; ignored",
      "my_own_thing: not a Celery setting; ignored",
    ]);
    assert.equal(settings["worker_pool"], "solo");
    assert.equal(settings["my_own_thing"], 1);
    assert.equal(settings.task_routes, null);
  });

  it("suggests an old name for an unknown uppercase one", () => {
    assert.deepEqual(resolveCelerySettings({ CELERY_ROUTE: {} }).warnings, ["CELERY_ROUTE: not a Celery setting (did you mean CELERY_ROUTES?); ignored"]);
    assert.deepEqual(resolveCelerySettings({ TASK_ROUTES: {} }).warnings, ["TASK_ROUTES: not a Celery setting (did you mean task_routes?); ignored"]);
  });

  it("warns about a set deprecated setting", () => {
    const { warnings } = resolveCelerySettings({ task_acks_on_failure_or_timeout: false });
    assert.deepEqual(warnings, [
      "task_acks_on_failure_or_timeout: deprecated by Celery 6.0 (removal in 7.0); use task_acks_on_failure and task_acks_on_timeout",
    ]);
  });
});

describe("resolveCelerySettings: defaults", () => {
  it("applies Celery 5.7's defaults to every setting, and freezes the result", () => {
    const { settings, configured, warnings } = resolveCelerySettings({});
    assert.deepEqual(warnings, []);
    assert.deepEqual(configured, []);
    for (const spec of CELERY_SETTINGS_TABLE) assert.deepEqual(settings[spec.name], spec.default, spec.name);
    assert.equal(settings.task_default_queue, "celery");
    assert.deepEqual(settings.accept_content, ["json"]);
    assert.equal(settings.result_expires, 86400);
    assert.equal(settings.broker_connection_timeout, 4);
    assert.equal(settings.worker_prefetch_multiplier, 4);
    assert.equal(settings.task_default_exchange_type, "direct");
    assert.equal(settings.event_queue_ttl, 5);
    assert.equal(settings.broker_url, null);
    assert.ok(Object.isFrozen(settings));
    assert.ok(Object.isFrozen(settings.accept_content));
    assert.ok(Object.isFrozen(settings.beat_schedule));
  });

  it("does not freeze or share the caller's objects", () => {
    const routes = { "a.*": { queue: "q" } };
    const { settings } = resolveCelerySettings({ task_routes: routes });
    assert.ok(!Object.isFrozen(routes));
    assert.notEqual(settings.task_routes, routes);
    assert.deepEqual(settings.task_routes, routes);
  });
});

describe("resolveCelerySettings: environment and overrides", () => {
  it("CELERY_BROKER_URL / CELERY_RESULT_BACKEND beat the configuration, overrides beat both", () => {
    const raw = { broker_url: "redis://file/0", result_backend: "redis://file/1" };
    const env = { CELERY_BROKER_URL: "amqp://env//", CELERY_RESULT_BACKEND: "" };
    const viaEnv = resolveCelerySettings(raw, { env });
    assert.equal(viaEnv.settings.broker_url, "amqp://env//");
    assert.equal(viaEnv.settings.result_backend, "redis://file/1");
    const viaFlag = resolveCelerySettings(raw, { env, overrides: { broker_url: "redis://flag/0", result_backend: undefined } });
    assert.equal(viaFlag.settings.broker_url, "redis://flag/0");
    assert.equal(viaFlag.settings.result_backend, "redis://file/1");
    assert.deepEqual(viaFlag.configured, ["broker_url", "result_backend"]);
  });

  it("reads no environment unless given one", () => {
    assert.equal(resolveCelerySettings({}).settings.broker_url, null);
    assert.deepEqual(applyCeleryEnvironment({ a: 1 }, { CELERY_BROKER_URL: "redis://e/0" }), { a: 1, broker_url: "redis://e/0" });
  });

  it("checks override values like configured ones", () => {
    assert.throws(
      () => resolveCelerySettings({}, { overrides: { worker_concurrency: -1 } }),
      /^CeleryProtoError: worker_concurrency: expected an integer >= 1, got -1$/,
    );
  });
});

describe("resolveCelerySettings: values", () => {
  it("rejects bad values, naming the setting and the place", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ broker_url: 5 }, /^broker_url: expected a URL string, got 5$/],
      [{ broker_connection_timeout: Number.POSITIVE_INFINITY }, /^broker_connection_timeout: expected a finite number of seconds > 0, got Infinity$/],
      [{ task_queues: "celery" }, /^task_queues: expected a list of queues or a \{name: queue\} map, got "celery"$/],
      [{ task_queues: [{ name: "" }] }, /^task_queues\/0\/name: expected a non-empty string, got ""$/],
      [{ task_queues: [{ exchange: "x" }] }, /^task_queues\/0\/name: expected name \(required\), got nothing$/],
      [{ task_queues: { q: { exchange_type: "fan" } } }, /^task_queues\/q\/exchange_type: expected one of "direct", "topic", "fanout", "headers", got "fan"$/],
      [{ task_queues: [{ name: "q", exchange: { type: "topic" } }] }, /^task_queues\/0\/exchange\/name: expected name \(required\)/],
      [{ task_routes: "proj.routers.Router" }, /^task_routes: expected a map of task name patterns to routes/],
      [{ task_routes: [{ a: "q" }, "proj.Router"] }, /^task_routes\/1: expected a map .*Python paths or functions are not supported/],
      [{ task_routes: { a: 3 } }, /^task_routes\/a: expected a queue name or a route/],
      [{ task_routes: { a: { queue: "q", priority: 300 } } }, /^task_routes\/a\/priority: expected an integer priority 0-255, got 300$/],
      [{ task_annotations: { "tasks.add": "slow" } }, /^task_annotations\/tasks.add: expected an object, got "slow"$/],
      [{ beat_schedule: [] }, /^beat_schedule: expected an object of beat entries, got \[\]$/],
      [{ beat_schedule: { tick: { task: "t" } } }, /^beat_schedule\/tick\/schedule: expected a schedule, got nothing$/],
      [{ accept_content: "json" }, /^accept_content: expected a list of strings, got "json"$/],
      [{ accept_content: ["json", 1] }, /^accept_content\/1: expected a content type or serializer name, got 1$/],
      [{ worker_prefetch_multiplier: 1.5 }, /^worker_prefetch_multiplier: expected an integer >= 0, got 1.5$/],
      [{ task_acks_late: "true" }, /^task_acks_late: expected true or false, got "true"$/],
      [{ task_default_delivery_mode: 3 }, /^task_default_delivery_mode: expected one of "persistent", "transient", 1, 2, got 3$/],
      [{ task_time_limit: 0 }, /^task_time_limit: expected a finite number of seconds > 0, got 0$/],
      [{ broker_transport_options: [] }, /^broker_transport_options: expected an object, got \[\]$/],
    ];
    for (const [raw, pattern] of cases) {
      const error = rejects(raw, pattern);
      const name = Object.keys(raw)[0]!;
      assert.ok(error.details[0]?.path.startsWith(`/${name}`), `${name}: ${JSON.stringify(error.details)}`);
    }
  });

  it("beat compiles beat_schedule's entries against the schedule schema, naming beat_schedule", () => {
    const { settings } = resolveCelerySettings({ beat_schedule: { tick: { task: "t", schedule: { every: -1 } } } });
    assert.throws(() => beatScheduleFromSettings(settings), /^CeleryProtoError: beat_schedule invalid: \/entries\/tick\/schedule\/every/);
  });

  it("accepts Celery's forms: queue lists and maps, route lists, route strings and dicts, annotation lists, nulls", () => {
    const { settings } = resolveCelerySettings({
      task_queues: { default: { exchange: "default", routing_key: "default" }, videos: { exchange: { name: "media", type: "topic" }, routing_key: "media.#" } },
      task_routes: [{ "feed.tasks.*": "feeds" }, { "re:^video\\.": { queue: "videos", routing_key: "media.video" } }],
      task_annotations: [{ "tasks.add": { rate_limit: "10/s" } }, { "*": { acks_late: true } }],
      task_default_priority: null,
      task_reject_on_worker_lost: null,
      worker_concurrency: null,
      beat_schedule: { tick: { task: "t.tick", schedule: { cron: "*/5 * * * *" }, args: [1] } },
    });
    assert.equal((settings.task_routes as readonly unknown[]).length, 2);
    const list = resolveCelerySettings({
      task_queues: [{ name: "q", bindings: [{ exchange: "x", routing_key: "k" }], queue_arguments: { "x-max-priority": 10 } }],
    });
    assert.equal((list.settings.task_queues as readonly unknown[]).length, 1);
  });

  it("refuses a configuration that is not an object", () => {
    rejects([], /^configuration: expected an object of Celery settings, got object$/);
    rejects(null, /got null$/);
  });
});

describe("filterHiddenSettings (celery report's masking)", () => {
  it("masks secrets by name and URL passwords, recursing into objects but not lists", () => {
    assert.deepEqual(
      filterHiddenSettings({
        broker_url: "redis://:pw@h:6379/0",
        result_backend: "amqp://u:pw@h//",
        security_key: "k",
        broker_password: null,
        database_url: "x",
        broker_transport_options: { api_token: "t", visibility_timeout: 10 },
        task_routes: [{ secret_key: "x" }],
        task_default_queue: "celery",
      }),
      {
        broker_url: "redis://:********@h:6379/0",
        result_backend: "amqp://u:********@h//",
        security_key: "********",
        broker_password: "********",
        database_url: "********",
        broker_transport_options: { api_token: "********", visibility_timeout: 10 },
        task_routes: [{ secret_key: "x" }],
        task_default_queue: "celery",
      },
    );
  });
});
