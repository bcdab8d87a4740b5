// Differential test of sdk/src/routing (queue table, router, send_task_message's destination rules) against Celery 5.7
// itself: seeded configurations (default queue/exchange/routing key, task_queues lists and dicts over direct, topic
// and fanout exchanges, bindings, x-max-priority and task_queue_max_priority, quorum default queues, create-missing on
// and off, task_routes maps and lists with exact names, `*` globs and `re:` keys) with task names and call options.
// Python (conformance/python/reference/router_reference.py, one process for all cases) records what
// `app.send_task` hands to kombu's `Producer.publish`; we compute the same through createQueueTable, createTaskRouter
// and resolveDestination, and the two must be equal call by call.
//
// What real Celery does here that may surprise (and we match):
// - a queue in task_queues without a routing key is bound with task_default_routing_key (else the default queue's
//   name), not with its own name; the dict form (add_compat) defaults to the queue's name instead;
// - a queue with `bindings` gets the default exchange in Celery's table (its type and name then route the task), but
//   kombu declares a bound copy, `Queue(**as_dict())`, which drops that exchange: only the bindings are declared;
// - publishing to an explicit exchange with no queue and no route still declares the default queue;
// - a route with no queue and no exchange ({"priority": 5}) sends to the default queue through amqp.default_queue,
//   which with create-missing off and the default queue missing raises a bare KeyError, not QueueNotFound;
// - a route value "" is `dict("") == {}`: it stops the lookup and the default queue is used;
// - a route naming a direct exchange without routing key (and no queue) publishes to "" with routing key None.
//
// The same configurations again on an amqp:// broker (nothing connects) with countdowns and etas on the calls, and
// hand-written cases, check send_task's native delayed delivery branch (routeNativeDelayed): exchange, routing key,
// declarations, the eta header, the direct-exchange warning and the errors. What Celery 5.7 does there:
// - it runs only on amqp with a quorum queue anywhere in the table (a redis broker or classic queues: no change);
// - the routed queue's routing key is used, not the call's `routing_key`; an explicit exchange is ignored too;
// - a route without queue makes send_task read options["exchange_type"], ["routing_key"], ["exchange"] without a
//   default: the Celery docs' recipe (task_routes {"*": {"routing_key": "my-queue"}}) raises KeyError('exchange_type');
// - int(countdown): 0.5 s (or an eta 0.5 s ahead) raises ValueError("countdown must be a positive number"); 1.9 s
//   waits 1 s in RabbitMQ; 2**28 s and more give a key longer than 28 bits, as kombu writes it;
// - an eta becomes `countdown = eta - now`, so the eta header is rewritten as now + countdown (a naive string eta is
//   sent aware), and it wins over a countdown given with it; an eta in the past publishes as usual, its header
//   rewritten the same way;
// - nothing is declared before publishing to celery_delayed_27 (not the queue, not the exchange), and the delivery
//   mode no longer comes from the queue's exchange (task_default_delivery_mode instead);
// - a direct exchange logs "Direct exchanges are not supported with native delayed delivery..." and publishes as usual.
// Our eta header always carries six fraction digits where Python's isoformat() drops a zero fraction (createTaskMessage's
// format, which every Celery parser reads): normalised before comparing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { ExchangeSetting, QueueSetting, RouteMap, RouteSetting } from "../../sdk/src/config/celery-settings.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createQueueTable } from "../../sdk/src/routing/create-queue-table.js";
import { createTaskRouter } from "../../sdk/src/routing/create-task-router.js";
import { directExchangeWarning, routeNativeDelayed } from "../../sdk/src/routing/native-delayed-destination.js";
import { resolveDestination } from "../../sdk/src/routing/resolve-destination.js";
import type { RouteOptions } from "../../sdk/src/routing/route-options.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../../sdk/src/routing/routing-settings.js";
import { queueArguments, queueExchange, type ExchangeSpec, type QueueSpec } from "../../sdk/src/transport/queue-spec.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(ROOT, "conformance/python/reference/router_reference.py");
const PYTHON = path.join(ROOT, ".venv/bin/python");

/** Call options: the routing ones, and `countdown` / `eta` (a string; with `eta_datetime` an aware instant). */
interface Call {
  readonly name: string;
  readonly options: RouteOptions;
}
interface Case {
  readonly id: string;
  readonly config: Partial<RoutingSettings> & Record<string, unknown>;
  readonly calls: readonly Call[];
  /** Default `memory://`. */
  readonly broker?: string;
  /** A fixed `app.now()`; with it the eta header and the warnings are compared too. */
  readonly now?: string;
}
type Outcome = Readonly<Record<string, unknown>>;

/** mulberry32: a small seeded PRNG so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUEUE_NAMES = ["celery", "default", "work", "insert_data", "push", "prio", "images", "feeds"];
const EXCHANGES = ["default", "tasks", "media", "celery", "t-route-x"];
const TASKS = ["tasks.add", "tasks.mul", "feeds.fetch.rss", "app.push", "insert_data", "t?sks.add", "proj.tasks.b", "other"];
const ROUTE_KEYS = [
  "tasks.add",
  "tasks.*",
  "*.push",
  "feeds.*.rss",
  "t?sks.add",
  "tasks.[am]*",
  "*",
  "re:tasks\\.(add|mul)",
  "re:^feeds",
  "re:.*push$",
  "re:proj",
  "insert_data",
  "other",
];

function generateCases(count: number): Case[] {
  const rnd = prng(20261207);
  const chance = (p: number): boolean => rnd() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const exchangeType = (): "direct" | "topic" | "fanout" => pick(["direct", "direct", "topic", "fanout"] as const);

  const exchangeSetting = (): string | ExchangeSetting => {
    if (chance(0.5)) return pick(EXCHANGES);
    return {
      name: pick(EXCHANGES),
      type: exchangeType(),
      ...(chance(0.2) ? { durable: false } : {}),
      ...(chance(0.2) ? { delivery_mode: pick([1, 2, "transient", "persistent"] as const) } : {}),
    };
  };
  const queueOptions = (): Omit<QueueSetting, "name"> => {
    const o: Record<string, unknown> = {};
    if (chance(0.7)) o["exchange"] = exchangeSetting();
    if (chance(0.3)) o["exchange_type"] = exchangeType();
    if (chance(0.6)) o["routing_key"] = pick(["work", "push", "insert", "media.#", "tasks.#", "", "celery"]);
    else if (chance(0.2)) o["binding_key"] = pick(["bk", "images.*"]);
    if (chance(0.3)) o["queue_arguments"] = { "x-max-priority": int(1, 10) };
    if (chance(0.15)) o["max_priority"] = int(1, 10);
    if (chance(0.1)) o["durable"] = false;
    if (chance(0.08)) o["auto_delete"] = true;
    if (chance(0.05)) o["exclusive"] = true;
    if (chance(0.1)) o["expires"] = pick([10, 1.5]);
    if (chance(0.1)) o["message_ttl"] = pick([60, 0.25]);
    if (chance(0.05)) o["max_length"] = 100;
    if (chance(0.1)) o["bindings"] = Array.from({ length: int(1, 2) }, () => ({ exchange: exchangeSetting(), routing_key: pick(["a.#", "b", "images.*"]) }));
    if (chance(0.05)) o["no_declare"] = true;
    if (chance(0.08)) o["alias"] = "al";
    return o;
  };
  const dictOptions = (): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    if (chance(0.7)) o["exchange"] = pick(EXCHANGES);
    if (chance(0.4)) o["exchange_type"] = exchangeType();
    if (chance(0.5)) o["routing_key"] = pick(["work", "push", "media.#", ""]);
    if (chance(0.3)) o["binding_key"] = pick(["bk", "images.*"]);
    if (chance(0.3)) o["queue_arguments"] = { "x-max-priority": int(1, 10) };
    if (chance(0.15)) o["durable"] = false;
    if (chance(0.15)) o["exchange_durable"] = chance(0.5);
    if (chance(0.15)) o["queue_durable"] = chance(0.5);
    if (chance(0.1)) o["delivery_mode"] = pick([1, "transient", "persistent"]);
    if (chance(0.1)) o["max_priority"] = int(1, 10);
    return o;
  };
  const routeValue = (): string | RouteSetting => {
    const r = rnd();
    if (r < 0.35) return pick([...QUEUE_NAMES, "missing-q"]);
    if (r < 0.38) return "";
    if (r < 0.41) return {};
    const v: Record<string, unknown> = {};
    if (chance(0.6)) v["queue"] = pick([...QUEUE_NAMES, "missing-q"]);
    if (chance(0.3)) v["exchange"] = pick(EXCHANGES);
    if (chance(0.2)) v["exchange_type"] = exchangeType();
    if (chance(0.35)) v["routing_key"] = pick(["push", "media.image", "tasks.add", "work"]);
    if (chance(0.3)) v["priority"] = int(0, 9);
    if (chance(0.05)) v["delivery_mode"] = pick([1, "persistent"]);
    return v;
  };
  const routeMap = (): RouteMap => Object.fromEntries(Array.from({ length: int(1, 4) }, () => [pick(ROUTE_KEYS), routeValue()]));

  const cases: Case[] = [userProjectCase()];
  for (let n = cases.length; n < count; n++) {
    const config: Record<string, unknown> = {};
    if (chance(0.6)) config["task_default_queue"] = pick(["celery", "default", "work"]);
    if (chance(0.3)) config["task_default_exchange"] = pick(["default", "tasks", "celery", ""]);
    if (chance(0.25)) config["task_default_exchange_type"] = exchangeType();
    if (chance(0.3)) config["task_default_routing_key"] = pick(["default", "task.default", "work"]);
    if (chance(0.15)) config["task_default_queue_type"] = "quorum";
    if (chance(0.15)) config["task_default_delivery_mode"] = pick([1, 2, "transient", "persistent"]);
    const q = rnd();
    if (q < 0.45) {
      const names = Array.from({ length: int(1, 4) }, () => pick(QUEUE_NAMES));
      config["task_queues"] = names.map((name) => ({ name, ...queueOptions() }));
    } else if (q < 0.65) {
      config["task_queues"] = Object.fromEntries(Array.from({ length: int(1, 3) }, () => [pick(QUEUE_NAMES), dictOptions()]));
    } else if (q < 0.7) config["task_queues"] = [];
    if (chance(0.3)) config["task_create_missing_queues"] = false;
    if (chance(0.15)) config["task_create_missing_queue_type"] = "quorum";
    if (chance(0.2)) config["task_create_missing_queue_exchange_type"] = exchangeType();
    if (chance(0.25)) config["task_queue_max_priority"] = pick([5, 10]);
    const r = rnd();
    if (r < 0.5) config["task_routes"] = routeMap();
    else if (r < 0.8) config["task_routes"] = Array.from({ length: int(1, 3) }, routeMap);
    const calls: Call[] = Array.from({ length: int(3, 5) }, () => {
      const o: Record<string, unknown> = {};
      const k = rnd();
      if (k < 0.25) o["queue"] = pick([...QUEUE_NAMES, "missing-q"]);
      else if (k < 0.4) {
        o["exchange"] = pick(EXCHANGES);
        if (chance(0.6)) o["routing_key"] = pick(["push", "media.image", "tasks.add"]);
      } else if (k < 0.5) o["routing_key"] = pick(["push", "tasks.add"]);
      if (chance(0.25)) o["priority"] = int(0, 9);
      if (chance(0.05)) o["exchange_type"] = exchangeType();
      if (chance(0.05)) o["delivery_mode"] = pick([1, 2, "transient"]);
      if (chance(0.05)) o["queue"] = "al";
      return { name: pick(TASKS), options: o };
    });
    cases.push({ id: `case-${n}`, config, calls });
  }
  return cases;
}

/** The real project from the issue: old-style settings on a direct exchange `default`, a priority queue. */
function userProjectCase(): Case {
  return {
    id: "user-project",
    config: {
      task_default_queue: "work",
      task_queues: [
        { name: "work", exchange: { name: "default", type: "direct" }, routing_key: "work" },
        { name: "insert_data", exchange: { name: "default", type: "direct" }, routing_key: "insert_data" },
        { name: "push", exchange: { name: "default", type: "direct" }, routing_key: "push", queue_arguments: { "x-max-priority": 9 } },
      ],
      task_routes: { "app.insert_data": { queue: "insert_data" }, "app.push": { queue: "push" } },
    },
    calls: [
      { name: "app.insert_data", options: {} },
      { name: "app.push", options: { priority: 5 } },
      { name: "app.other", options: {} },
      { name: "app.other", options: { queue: "push" } },
      { name: "app.other", options: { queue: "work" } },
    ],
  };
}

function describeExchange(e: ExchangeSpec | null): Outcome | null {
  if (e === null) return null;
  return {
    name: e.name,
    type: e.type,
    durable: e.durable ?? true,
    auto_delete: e.autoDelete ?? false,
    delivery_mode: e.deliveryMode ?? null,
    arguments: e.arguments && Object.keys(e.arguments).length > 0 ? e.arguments : null,
  };
}

function describeQueue(q: QueueSpec): Outcome {
  return {
    name: q.name,
    durable: q.durable ?? true,
    exclusive: q.exclusive ?? false,
    auto_delete: q.autoDelete ?? false,
    no_declare: q.noDeclare ?? false,
    arguments: queueArguments(q),
    exchange: describeExchange(queueExchange(q)),
    routing_key: q.routingKey ?? q.name,
    binding_arguments: q.bindingArguments && Object.keys(q.bindingArguments).length > 0 ? q.bindingArguments : null,
    bindings: (q.bindings ?? [])
      .map((b) => ({ exchange: describeExchange(b.exchange), routing_key: b.routingKey ?? "", arguments: b.arguments ?? null }))
      .sort((a, b) => (sortedJson(a) < sortedJson(b) ? -1 : 1)),
  };
}

function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

function transportKind(broker: string | undefined): "amqp" | "redis" | "memory" {
  if (broker?.startsWith("amqp")) return "amqp";
  if (broker?.startsWith("redis")) return "redis";
  return "memory";
}

/** createTaskMessage's six fraction digits where Python's isoformat() leaves a zero fraction out. */
function pythonIsoformat(eta: unknown): unknown {
  return typeof eta === "string" ? eta.replace(/\.000000(?=[+-]\d\d:\d\d$)/, "") : eta;
}

/** The client's path (CeleryClient.sendTask): route, native delayed delivery, destination; the message's eta. */
function runOurs(c: Case): Outcome[] {
  const settings: RoutingSettings = { ...CELERY_ROUTING_DEFAULTS, ...c.config };
  const table = createQueueTable(settings);
  const router = createTaskRouter(settings, table);
  const now = c.now === undefined ? new Date() : new Date(c.now);
  return c.calls.map((call) => {
    const { countdown, eta, eta_datetime, ...routeOptions } = call.options;
    try {
      const routed = router.route(call.name, [], {}, routeOptions);
      const delay = {
        countdown: countdown as number | undefined,
        eta: eta_datetime === true ? new Date(eta as string) : (eta as string | undefined),
        now,
      };
      const delayed = routeNativeDelayed(routed, table, transportKind(c.broker), delay);
      const d = resolveDestination(delayed.routed, table, settings);
      const out: Record<string, unknown> = {
        exchange: d.exchange,
        routing_key: d.routingKey,
        priority: d.priority ?? null,
        delivery_mode: d.deliveryMode,
        declare: d.queue === null ? [] : [describeQueue(d.queue)],
      };
      if (c.now !== undefined) {
        out["eta"] = pythonIsoformat(createTaskMessage({ task: call.name, ...delayed.delay, now }).headers.eta);
        out["warnings"] = delayed.directExchange === null ? [] : [directExchangeWarning(delayed.directExchange)];
      }
      return out;
    } catch (e) {
      if (!CeleryProtoError.is(e, "InvalidOption")) throw e;
      const detail = e.details[0];
      if (detail?.keyword === "KeyError") return { error: "KeyError", key: detail.path.slice(1), raised_in: "send_task" };
      if (detail?.keyword === "ValueError") return { error: "ValueError", message: detail.message };
      const queue = /Queue '(.*)' missing from task_queues/.exec(e.message)?.[1] ?? e.message;
      return { error: "QueueNotFound", queue };
    }
  });
}

/**
 * Python's outcome in our terms: both missing-queue errors (QueueNotFound, amqp.default_queue's KeyError) as one. On
 * a redis broker the KeyError comes out as kombu's OperationalError("'<queue>'"): kombu's Redis transport lists KeyError
 * among its connection errors, and send_task_message runs inside `_reraise_as_library_errors`.
 */
function normalisePython(o: Outcome): Outcome {
  if (o["raised_in"] === "send_task") return o;
  if (o["error"] === "QueueNotFound" || o["error"] === "KeyError") return { error: "QueueNotFound", queue: o["queue"] };
  const wrapped = o["error"] === "OperationalError" ? /^'(.*)'$/.exec(String(o["message"])) : null;
  if (wrapped !== null) return { error: "QueueNotFound", queue: wrapped[1] };
  return o;
}

function runPython(cases: readonly Case[]): Map<string, Outcome> | null {
  if (!existsSync(PYTHON)) return null;
  const input = `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`;
  const out = execFileSync(PYTHON, [SCRIPT], { cwd: ROOT, input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const answers = new Map<string, Outcome>();
  for (const line of out.split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as { id: string };
    answers.set(parsed.id, parsed);
  }
  return answers;
}

/** Compares every call of every case; returns the differences, the number of calls and of Python errors among them. */
function compareCases(cases: readonly Case[], reference: Map<string, Outcome>): { failures: string[]; calls: number; errors: number } {
  const failures: string[] = [];
  let calls = 0;
  let errors = 0;
  for (const c of cases) {
    const py = reference.get(c.id);
    assert.ok(py !== undefined, `no Python answer for ${c.id}`);
    if (typeof py["error"] === "string") {
      failures.push(`${c.id}: Python refused the configuration: ${String(py["error"])}: ${String(py["message"])}`);
      continue;
    }
    const theirs = (py["results"] as Outcome[]).map(normalisePython);
    let ours: Outcome[];
    try {
      ours = runOurs(c);
    } catch (e) {
      failures.push(`${c.id}: we threw ${(e as Error).message}\n  config ${JSON.stringify(c.config)}`);
      continue;
    }
    c.calls.forEach((call, i) => {
      calls += 1;
      if (theirs[i]!["error"] !== undefined) errors += 1;
      try {
        assert.deepEqual(JSON.parse(sortedJson(ours[i])), JSON.parse(sortedJson(theirs[i])));
      } catch (e) {
        failures.push(
          `${c.id} call ${i} send_task(${JSON.stringify(call.name)}, ${JSON.stringify(call.options)})\n  config ${JSON.stringify(c.config)}\n${(e as Error).message}`,
        );
      }
    });
  }
  return { failures, calls, errors };
}

describe("router: TS vs Celery 5.7 app.send_task (queue table, routes, destination)", () => {
  const cases = generateCases(260);
  const reference = runPython(cases);
  const skip = reference === null ? ".venv missing: run bash scripts/setup/python.sh" : false;

  it(`agrees on ${cases.length} generated configurations (${cases.reduce((n, c) => n + c.calls.length, 0)} calls)`, { skip }, () => {
    const { failures, calls, errors } = compareCases(cases, reference!);
    assert.equal(failures.length, 0, `${failures.length} of ${calls} calls differ:\n\n${failures.slice(0, 8).join("\n\n")}`);
    // The generator must exercise both outcomes.
    assert.ok(errors > 10 && errors < calls / 2, `errors ${errors} of ${calls}`);
  });

  it("the issue's project publishes through the default exchange to its queues and declares x-max-priority", { skip }, () => {
    const py = reference!.get("user-project")!;
    const results = py["results"] as Outcome[];
    assert.equal(results[1]!["routing_key"], "push");
    assert.deepEqual((results[1]!["declare"] as Outcome[])[0]!["arguments"], { "x-max-priority": 9 });
    assert.equal(results[2]!["routing_key"], "work");
    assert.deepEqual(
      runOurs(userProjectCase()).map((o) => o["routing_key"]),
      ["insert_data", "push", "work", "push", "work"],
    );
  });
});

const AMQP = "amqp://guest:guest@127.0.0.1:1//";
/** A fixed app.now() with milliseconds, so countdown etas keep a fraction in Python's isoformat() too. */
const NOW = "2030-01-01T12:00:00.123000+00:00";
const DELAYS: readonly Readonly<Record<string, unknown>>[] = [
  { countdown: 0 },
  { countdown: 0.5 },
  { countdown: 1 },
  { countdown: 1.9 },
  { countdown: 59 },
  { countdown: 3600 },
  { countdown: 2 ** 27 },
  { countdown: 2 ** 28 + 3 },
  { countdown: -5 },
  { eta: "2030-01-01T13:00:00", eta_datetime: false },
  { eta: "2030-01-01T12:00:10+00:00", eta_datetime: true },
  { eta: "2030-01-01T12:00:00.623+00:00", eta_datetime: true },
  { eta: "2029-12-31T12:00:00+00:00" },
  { eta: "2030-01-01T14:30:00.5+02:00" },
  { eta: "2030-01-02T12:00:00", countdown: 10 },
];

/** The generated configurations on RabbitMQ (a tenth on Redis) with delays on their calls, quorum queues made likely. */
function nativeDelayCases(base: readonly Case[]): Case[] {
  const rnd = prng(20270105);
  const chance = (p: number): boolean => rnd() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return base.map((c) => {
    const config: Record<string, unknown> = { ...c.config };
    const queues = config["task_queues"];
    if (Array.isArray(queues) && queues.length > 0 && chance(0.6)) {
      const [first, ...rest] = queues as QueueSetting[];
      config["task_queues"] = [{ ...first!, queue_arguments: { ...first!.queue_arguments, "x-queue-type": "quorum" } }, ...rest];
    } else if (chance(0.5)) config["task_default_queue_type"] = "quorum";
    if (chance(0.2)) config["task_create_missing_queue_type"] = "quorum";
    // Most generated exchanges are direct (no delayed delivery there): make topic and fanout ones common.
    if (chance(0.5)) config["task_default_exchange_type"] = pick(["topic", "fanout"] as const);
    if (chance(0.4)) config["task_create_missing_queue_exchange_type"] = pick(["topic", "fanout"] as const);
    const calls = c.calls.map((call) => ({ name: call.name, options: chance(0.85) ? { ...call.options, ...pick(DELAYS) } : call.options }));
    return { id: `native-${c.id}`, config, calls, broker: chance(0.9) ? AMQP : "redis://127.0.0.1:1/0", now: NOW };
  });
}

const DOCS_RECIPE: Case["config"] = {
  task_default_queue_type: "quorum",
  task_default_exchange_type: "topic",
  task_default_queue: "my-queue",
  task_routes: { "*": { routing_key: "my-queue" } },
};
const TOPIC_QUORUM: Case["config"] = { task_default_queue_type: "quorum", task_default_exchange_type: "topic", task_default_queue: "my-queue" };
const each = (options: readonly Readonly<Record<string, unknown>>[]): Call[] => options.map((o) => ({ name: "tasks.add", options: o as RouteOptions }));

/** The branch's corners, one case each. */
function nativeHandCases(): Case[] {
  const base = { broker: AMQP, now: NOW };
  return [
    { id: "docs-recipe", ...base, config: DOCS_RECIPE, calls: each([{ countdown: 10 }, {}, { queue: "my-queue", countdown: 10 }]) },
    { id: "default-quorum-topic", ...base, config: TOPIC_QUORUM, calls: each(DELAYS) },
    {
      id: "explicit-routing-ignored",
      ...base,
      config: TOPIC_QUORUM,
      calls: each([
        { countdown: 10, routing_key: "other" },
        { countdown: 10, exchange: "foo", routing_key: "bar" },
        { countdown: 10, exchange: "foo", routing_key: "bar", exchange_type: "topic" },
        { countdown: 10, delivery_mode: 1 },
        { countdown: 10, priority: 3 },
      ]),
    },
    {
      id: "task-queues-quorum",
      ...base,
      config: {
        task_queues: [
          { name: "fast", exchange: { name: "fast-x", type: "topic", delivery_mode: 1 }, routing_key: "fast.#", queue_arguments: { "x-queue-type": "quorum" } },
          { name: "fan", exchange: { name: "fan-x", type: "fanout" }, routing_key: "fan" },
          { name: "plain", exchange: { name: "plain-x", type: "direct" }, routing_key: "plain" },
          { name: "emptykey", exchange: { name: "ek", type: "topic" } },
        ],
        task_routes: { "tasks.*": { queue: "fast" } },
      },
      calls: [
        ...each([{ countdown: 10 }, { countdown: 3600, queue: "fan" }, { countdown: 10, queue: "plain" }, { countdown: 10, queue: "plain" }]),
        ...each([
          { countdown: 10, queue: "emptykey" },
          { eta: "2030-01-01T12:01:00+00:00", queue: "fan" },
        ]),
      ],
    },
    {
      id: "route-without-queue",
      ...base,
      config: {
        task_default_queue_type: "quorum",
        task_routes: {
          "a.*": { exchange: "ex", exchange_type: "topic", routing_key: "a.key" },
          "b.*": { exchange_type: "topic", routing_key: "b.key" },
          "c.*": { exchange: "ex", routing_key: "c.key" },
          "d.*": { exchange: "ex", exchange_type: "direct", routing_key: "d.key" },
          "e.*": { exchange: "ex", exchange_type: "fanout", routing_key: "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.1.e.key" },
        },
      },
      calls: ["a.t", "b.t", "c.t", "d.t", "e.t"].map((name) => ({ name, options: { countdown: 7 } })),
    },
    { id: "classic-only", ...base, config: { task_default_exchange_type: "topic" }, calls: each([{ countdown: 10 }, { eta: "2030-01-01T13:00:00" }]) },
    { id: "redis", broker: "redis://127.0.0.1:1/0", now: NOW, config: TOPIC_QUORUM, calls: each([{ countdown: 10 }, { eta: "2030-01-01T13:00:00" }]) },
    { id: "memory", broker: "memory://", now: NOW, config: TOPIC_QUORUM, calls: each([{ countdown: 10 }]) },
    {
      id: "missing-queue-made-quorum",
      ...base,
      config: { task_default_exchange_type: "topic", task_create_missing_queue_type: "quorum", task_create_missing_queue_exchange_type: "topic" },
      calls: each([{ countdown: 10 }, { countdown: 10, queue: "new-q" }, { countdown: 10 }]),
    },
    {
      // Task.retry on a worker consuming a queue other than the default: signature_from_request passes the request's
      // delivery_info (exchange, routing key) and no queue, so the default queue's key is the one delayed.
      id: "retry-from-other-queue",
      ...base,
      config: {
        task_default_queue_type: "quorum",
        task_default_exchange_type: "topic",
        task_create_missing_queue_type: "quorum",
        task_create_missing_queue_exchange_type: "topic",
      },
      calls: each([
        { countdown: 1, exchange: "other-q", routing_key: "other-q" },
        { countdown: 1, queue: "other-q" },
      ]),
    },
    {
      id: "direct-default",
      ...base,
      config: { task_default_queue_type: "quorum" },
      calls: each([{ countdown: 10 }, { eta: "2030-01-01T13:00:00" }, { countdown: 0.5 }]),
    },
  ];
}

describe("native delayed delivery: TS vs Celery 5.7 app.send_task on an amqp broker (quorum queues, countdown, eta)", () => {
  const hand = nativeHandCases();
  const generated = nativeDelayCases(generateCases(260));
  const reference = runPython([...hand, ...generated]);
  const skip = reference === null ? ".venv missing: run bash scripts/setup/python.sh" : false;
  const results = (id: string): Outcome[] => reference!.get(id)!["results"] as Outcome[];

  it(`agrees on ${hand.length} hand-written cases`, { skip }, () => {
    const { failures, calls } = compareCases(hand, reference!);
    assert.equal(failures.length, 0, `${failures.length} of ${calls} calls differ:\n\n${failures.slice(0, 8).join("\n\n")}`);
  });

  it(`agrees on ${generated.length} generated configurations with delays`, { skip }, () => {
    const { failures, calls } = compareCases(generated, reference!);
    assert.equal(failures.length, 0, `${failures.length} of ${calls} calls differ:\n\n${failures.slice(0, 8).join("\n\n")}`);
    // The generator must reach the branch's outcomes: delayed publishes, warnings, and both errors.
    const all = generated.flatMap((c) => results(c.id));
    const delayed = all.filter((o) => o["exchange"] === "celery_delayed_27").length;
    const warned = all.filter((o) => (o["warnings"] as unknown[] | undefined)?.length).length;
    const valueErrors = all.filter((o) => o["error"] === "ValueError").length;
    const keyErrors = all.filter((o) => o["raised_in"] === "send_task").length;
    assert.ok(delayed > 50 && warned > 20 && valueErrors > 3 && keyErrors > 3, JSON.stringify({ delayed, warned, valueErrors, keyErrors, calls }));
  });

  it("pins Celery's quirks: the docs recipe's KeyError, int() truncation, ignored routing key (a retry's too), nothing declared", { skip }, () => {
    assert.deepEqual(results("docs-recipe")[0], { error: "KeyError", key: "exchange_type", raised_in: "send_task" });
    const topic = results("default-quorum-topic");
    assert.equal(topic[0]!["exchange"], "my-queue"); // countdown 0: no branch
    assert.deepEqual(topic[1], { error: "ValueError", message: "countdown must be a positive number" });
    assert.equal(topic[2]!["routing_key"], `${"0.".repeat(27)}1.my-queue`);
    assert.equal(topic[3]!["routing_key"], `${"0.".repeat(27)}1.my-queue`); // 1.9 s waits 1 s
    assert.deepEqual(topic[2]!["declare"], []);
    assert.equal((topic[7]!["routing_key"] as string).split(".").length, 29 + 1); // 2**28 + 3: 29 bits
    assert.equal(topic[8]!["exchange"], "my-queue"); // negative: published as usual
    assert.equal(topic[9]!["eta"], "2030-01-01T13:00:00+00:00"); // a naive eta string comes out aware
    assert.equal(results("explicit-routing-ignored")[1]!["routing_key"], `${"0.".repeat(24)}1.0.1.0.my-queue`);
    assert.equal(results("task-queues-quorum")[0]!["delivery_mode"], 2); // the queue exchange's delivery_mode 1 is lost
    // A retry's countdown from a worker on another queue is delayed by the default queue's key (conformance-quorum.test.ts).
    assert.deepEqual(
      results("retry-from-other-queue").map((o) => o["routing_key"]),
      [`${"0.".repeat(27)}1.celery`, `${"0.".repeat(27)}1.other-q`],
    );
  });
});
