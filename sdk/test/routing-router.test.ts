import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { compilePythonRegex, matchesAtStart } from "../src/routing/compile-python-regex.js";
import { createMapRoute } from "../src/routing/create-map-route.js";
import { createQueueTable } from "../src/routing/create-queue-table.js";
import { createTaskRouter } from "../src/routing/create-task-router.js";
import { resolveDestination } from "../src/routing/resolve-destination.js";
import type { RouteOptions } from "../src/routing/route-options.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../src/routing/routing-settings.js";
import { translateGlob } from "../src/routing/translate-glob.js";

const settings = (over: Partial<RoutingSettings>): RoutingSettings => ({ ...CELERY_ROUTING_DEFAULTS, ...over });

function destinationOf(s: RoutingSettings, name: string, options: RouteOptions = {}) {
  const table = createQueueTable(s);
  return resolveDestination(createTaskRouter(s, table).route(name, [], {}, options), table, s);
}

describe("MapRoute semantics", () => {
  it("treats only keys with * as globs; ? and [ are literal in exact keys", () => {
    const route = createMapRoute({ "t?sks.add": "literal", "feeds.[ab]*": "glob", "re:tasks\\.(add|mul)": "regex", "tasks.*": "star" });
    assert.deepEqual(route("t?sks.add"), { queue: "literal" });
    assert.equal(route("tasks.add") !== undefined && route("taskx.add") === undefined, true);
    assert.deepEqual(route("feeds.a1"), { queue: "glob" });
    assert.equal(route("feeds.c1"), undefined);
    // patterns in insertion order: the regex comes before tasks.*
    assert.deepEqual(route("tasks.mul"), { queue: "regex" });
    assert.deepEqual(route("tasks.other"), { queue: "star" });
  });

  it("exact names win over patterns; an empty string route is {}", () => {
    const route = createMapRoute({ "*": "any", "tasks.add": "", x: { queue: "q", priority: 3 } });
    assert.deepEqual(route("tasks.add"), {});
    assert.deepEqual(route("x"), { queue: "q", priority: 3 });
    assert.deepEqual(route("y"), { queue: "any" });
  });

  it("translates fnmatch globs as Python does", () => {
    const cases: [string, string, boolean][] = [
      ["a*", "abc", true],
      ["a*", "ba", false],
      ["*.push", "app.push", true],
      ["*.push", "app.pushx", false],
      ["a?c*", "abcd", true],
      ["[!a]*", "b", true],
      ["[!a]*", "a", false],
      ["[]]*", "]x", true],
      ["x[*", "x[yz", true],
      ["a.b*", "aXb", false],
      ["*", "line\nbreak", true],
      ["[z-a]*", "q", false],
    ];
    for (const [glob, name, expected] of cases) assert.equal(translateGlob(glob).test(name), expected, `${glob} ~ ${name}`);
  });

  it("matches Python regexes at the start only (re.match)", () => {
    assert.equal(matchesAtStart(compilePythonRegex("feeds"), "feeds.x"), true);
    assert.equal(matchesAtStart(compilePythonRegex("feeds"), "x.feeds"), false);
    assert.equal(matchesAtStart(compilePythonRegex(".*push$"), "a.push"), true);
    assert.equal(matchesAtStart(compilePythonRegex(".*push$"), "a.push\n"), true, "Python's $ also matches before a final newline");
    assert.equal(matchesAtStart(compilePythonRegex(".*push\\Z"), "a.push\n"), false);
    assert.equal(matchesAtStart(compilePythonRegex("(?i)TASKS"), "tasks.add"), true);
    assert.equal(matchesAtStart(compilePythonRegex("(?P<app>\\w+)\\.(?P=app)"), "ab.ab"), true);
    assert.throws(
      () => compilePythonRegex("(?x) a"),
      (e) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });
});

describe("Router.route + send_task_message", () => {
  it("sends to the default queue through the default exchange", () => {
    const d = destinationOf(settings({}), "tasks.add");
    assert.deepEqual(
      { ...d, queue: d.queue?.name },
      { exchange: "", routingKey: "celery", queue: "celery", queueName: "celery", priority: undefined, deliveryMode: 2 },
    );
  });

  it("the issue's project: routes to its queues on exchange default; the priority queue carries x-max-priority", () => {
    const s = settings({
      task_default_queue: "work",
      task_queues: [
        { name: "work", exchange: "default", routing_key: "work" },
        { name: "push", exchange: "default", routing_key: "push", queue_arguments: { "x-max-priority": 9 } },
      ],
      task_routes: { "app.push": "push" },
    });
    const push = destinationOf(s, "app.push", { priority: 5 });
    assert.equal(push.exchange, "");
    assert.equal(push.routingKey, "push");
    assert.equal(push.priority, 5);
    assert.deepEqual(push.queue?.arguments, { "x-max-priority": 9 });
    assert.deepEqual(push.queue?.exchange, { name: "default", type: "direct" });
    assert.equal(destinationOf(s, "other").routingKey, "work");
  });

  it("merges the route under the caller's options (lpmerge); a caller's null does not override", () => {
    const s = settings({ task_routes: { t: { queue: "a", priority: 3, routing_key: "rk" } } });
    assert.equal(destinationOf(s, "t").priority, 3);
    assert.equal(destinationOf(s, "t", { priority: 7 }).priority, 7);
    assert.equal(destinationOf(s, "t", { priority: null }).priority, 3);
    assert.equal(destinationOf(s, "t", { queue: "b" }).queueName, "b");
  });

  it("publishes to a topic queue's exchange with the route's routing key, else the queue's", () => {
    const s = settings({
      task_queues: [{ name: "images", exchange: "media", exchange_type: "topic", routing_key: "media.#" }],
      task_routes: { "media.resize": { queue: "images", routing_key: "media.image.resize" }, "media.*": "images" },
    });
    assert.deepEqual((({ exchange, routingKey }) => ({ exchange, routingKey }))(destinationOf(s, "media.resize")), {
      exchange: "media",
      routingKey: "media.image.resize",
    });
    assert.equal(destinationOf(s, "media.crop").routingKey, "media.#");
  });

  it("a route with an exchange only: no queue declared, direct → default exchange with no routing key", () => {
    const d = destinationOf(settings({ task_routes: { t: { exchange: "x" } } }), "t");
    assert.deepEqual({ exchange: d.exchange, routingKey: d.routingKey, queue: d.queue }, { exchange: "", routingKey: "", queue: null });
    const topic = destinationOf(settings({ task_routes: { t: { exchange: "x", exchange_type: "topic", routing_key: "a.b" } } }), "t");
    assert.deepEqual({ exchange: topic.exchange, routingKey: topic.routingKey, queue: topic.queue }, { exchange: "x", routingKey: "a.b", queue: null });
  });

  it("takes the delivery mode from the options, the queue's exchange, then task_default_delivery_mode", () => {
    const s = settings({
      task_default_delivery_mode: "transient",
      task_queues: [{ name: "celery" }, { name: "p", exchange: { name: "p", delivery_mode: "persistent" } }],
    });
    assert.equal(destinationOf(s, "t").deliveryMode, 1);
    assert.equal(destinationOf(s, "t", { queue: "p" }).deliveryMode, 2);
    assert.equal(destinationOf(s, "t", { delivery_mode: 2 }).deliveryMode, 2);
  });

  it("an empty route stops the lookup and falls back to the default queue", () => {
    const s = settings({ task_routes: [{ t: "" }, { t: "later" }] });
    assert.equal(destinationOf(s, "t").queueName, "celery");
  });

  it("router functions: camelCase routes, strings, undefined falls through", () => {
    const s = settings({ task_routes: { "fn.*": "from-map" } });
    const table = createQueueTable(s);
    const router = createTaskRouter(s, table, [(name) => (name === "x" ? { queue: "q", routingKey: "rk" } : undefined), () => "last"]);
    assert.equal(router.route("x", [], {}).routing_key, "rk");
    assert.equal(router.route("x", [], {}).queue?.name, "q");
    assert.equal(router.route("fn.a", [], {}).queue?.name, "from-map");
    assert.equal(router.route("y", [], {}).queue?.name, "last");
  });

  it("refuses a queue missing from task_queues with create-missing off, in routes, options and the default", () => {
    const s = settings({ task_create_missing_queues: false, task_queues: [{ name: "a" }], task_routes: { r: "b" } });
    const missing = (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /Queue '.*' missing/.test(e.message);
    assert.throws(() => destinationOf(s, "r"), missing);
    assert.throws(() => destinationOf(s, "t", { queue: "zz" }), missing);
    assert.throws(() => destinationOf(s, "t"), missing);
    assert.equal(destinationOf(s, "t", { queue: "a" }).queueName, "a");
  });
});
