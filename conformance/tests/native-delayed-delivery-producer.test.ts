// Native delayed delivery, producer side, through our client (CeleryClient.sendTask on a recording transport of kind
// "amqp") against Celery 5.7 itself: the routing keys kombu's calculate_routing_key gives for 0 (no delay: published as
// usual), 1, 59, 3600 and 2**27 seconds; the publish app.send_task makes for the same call
// (conformance/python/reference/router_reference.py: exchange, routing key, declarations, and the message as kombu
// encodes it); the direct-exchange warning; the errors Celery raises (int() truncation, the route without queue).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { CeleryClient } from "../../sdk/src/client/celery-client.js";
import { compileClientOptions } from "../../sdk/src/client/compile-client-options.js";
import type { SendTaskOptions } from "../../sdk/src/client/send-task-options.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { DisabledResultBackend } from "../../sdk/src/results/disabled-result-backend.js";
import type { RoutingSettings } from "../../sdk/src/routing/routing-settings.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import type { OutgoingMessage, Transport } from "../../sdk/src/transport/transport.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const SCRIPT = path.join(ROOT, "conformance/python/reference/router_reference.py");
const skip = existsSync(PYTHON) ? false : ".venv missing: run bash scripts/setup/python.sh";

/** The Celery docs' quorum setup, without its task_routes (see the KeyError case below). */
const TOPIC_QUORUM: Partial<RoutingSettings> = { task_default_queue_type: "quorum", task_default_exchange_type: "topic", task_default_queue: "my-queue" };
const DELAYS = [0, 1, 59, 3600, 2 ** 27] as const;

/** A transport of kind "amqp" that records what a producer hands it. */
class RecordingAmqpTransport implements Transport {
  readonly kind = "amqp" as const;
  readonly published: OutgoingMessage[] = [];
  readonly declaredQueues: string[] = [];
  readonly declaredExchanges: string[] = [];
  async declareExchange(exchange: { readonly name: string }): Promise<void> {
    this.declaredExchanges.push(exchange.name);
  }
  async declareQueue(queue: QueueSpec): Promise<void> {
    this.declaredQueues.push(queue.name);
  }
  async publish(message: OutgoingMessage): Promise<void> {
    this.published.push(message);
  }
  consume(): never {
    throw new Error("not consumed");
  }
  async purge(): Promise<number> {
    return 0;
  }
  async deleteQueue(): Promise<void> {}
  async close(): Promise<void> {}
}

function clientFor(routing: Partial<RoutingSettings>): { client: CeleryClient; transport: RecordingAmqpTransport } {
  const transport = new RecordingAmqpTransport();
  const client = new CeleryClient(transport, new DisabledResultBackend(), compileClientOptions({ broker: transport, routing }, {}));
  return { client, transport };
}

type Outcome = Record<string, unknown>;

/** Celery's send_task for each call, on an amqp:// broker that is never connected. */
function celerySendTask(config: Partial<RoutingSettings>, calls: readonly { readonly args: unknown[]; readonly options: Outcome }[]): Outcome[] {
  const input = JSON.stringify({
    id: "c",
    broker: "amqp://guest:guest@127.0.0.1:1//",
    now: "2030-01-01T12:00:00.123000+00:00",
    message: true,
    config,
    calls: calls.map((c) => ({ name: "tasks.add", args: c.args, options: c.options })),
  });
  const out = JSON.parse(execFileSync(PYTHON, [SCRIPT], { cwd: ROOT, input: `${input}\n`, encoding: "utf8" })) as { results: Outcome[] };
  return out.results;
}

function calculateRoutingKey(countdown: number, routingKey: string): string {
  const code = "import sys; from kombu.transport.native_delayed_delivery import calculate_routing_key as c; print(c(int(sys.argv[1]), sys.argv[2]))";
  return execFileSync(PYTHON, ["-c", code, String(countdown), routingKey], { encoding: "utf8" }).trim();
}

/**
 * Headers minus what differs per call (ids, origin), the clock-dependent eta and expires (kept as whether they are
 * set), and `ignore_result`: send_task writes None for a task it does not register, apply_async (which enqueue
 * stands for) a bool.
 */
function comparableHeaders(headers: Readonly<Record<string, unknown>>): Outcome {
  const { id: _id, root_id: _root, origin: _origin, eta, expires, ignore_result: _ignore, ...rest } = headers;
  return { ...rest, eta: eta === null, expires: expires === null };
}

function comparableProperties(properties: Readonly<Record<string, unknown>>): Outcome {
  const { correlation_id: _c, reply_to: _r, headers: _h, ...rest } = properties;
  return rest;
}

describe("native delayed delivery, producer: our client vs Celery 5.7 send_task (amqp, quorum, topic)", () => {
  it("routing keys for 0, 1, 59, 3600 and 2**27 s are kombu's calculate_routing_key (0: published as usual)", { skip }, async () => {
    const { client, transport } = clientFor(TOPIC_QUORUM);
    for (const countdown of DELAYS) await client.sendTask("tasks.add", [2, 3], {}, { countdown });
    const [none, ...delayed] = transport.published;
    assert.deepEqual([none!.exchange, none!.routingKey], ["my-queue", "my-queue"]);
    assert.deepEqual(
      delayed.map((p) => [p.exchange, p.routingKey]),
      DELAYS.slice(1).map((d) => ["celery_delayed_27", calculateRoutingKey(d, "my-queue")]),
    );
    assert.equal(delayed.at(-1)!.routingKey, `1.${"0.".repeat(27)}my-queue`);
    // Only the plain publish declared its queue; nothing declares celery_delayed_27 (the worker's topology does).
    assert.deepEqual([transport.declaredQueues, transport.declaredExchanges], [["my-queue"], []]);
  });

  it("publishes what app.send_task publishes: exchange, routing key, declarations, body, headers, properties", { skip }, async () => {
    const calls: { args: unknown[]; options: Outcome; ours: SendTaskOptions }[] = [
      ...DELAYS.map((countdown) => ({ args: [2, 3], options: { countdown }, ours: { countdown } })),
      { args: [1], options: { countdown: 30, priority: 4, expires: 600 }, ours: { countdown: 30, priority: 4, expires: 600 } },
      // A retry of a task that came through the delay exchanges: its delivery's prefixed routing key is not reused.
      {
        args: [],
        options: { countdown: 5, exchange: "celery_delayed_delivery", routing_key: calculateRoutingKey(7, "my-queue") },
        ours: { countdown: 5, exchange: "celery_delayed_delivery", routingKey: calculateRoutingKey(7, "my-queue") },
      },
    ];
    const theirs = celerySendTask(TOPIC_QUORUM, calls);
    const { client, transport } = clientFor(TOPIC_QUORUM);
    const before = Date.now();
    for (const c of calls) await client.sendTask("tasks.add", c.args, {}, c.ours);
    const after = Date.now();
    transport.published.forEach((ours, i) => {
      const py = theirs[i]!;
      const message = py["message"] as { body: string; headers: Outcome; properties: Outcome };
      assert.deepEqual([ours.exchange, ours.routingKey], [py["exchange"], py["routing_key"]], `call ${i}`);
      assert.equal(new TextDecoder().decode(ours.body), message.body, `call ${i}`);
      assert.deepEqual(comparableHeaders(ours.properties.headers ?? {}), comparableHeaders(message.headers), `call ${i}`);
      const { expiration, ...properties } = comparableProperties(ours.properties);
      const { expiration: pyExpiration, ...pyProperties } = comparableProperties(message.properties);
      assert.deepEqual(properties, pyProperties, `call ${i}`);
      assert.equal(expiration, pyExpiration, `call ${i}`);
      // eta = now + countdown, as Celery's header; our clock is the real one.
      const eta = Date.parse(String(ours.properties.headers?.["eta"]));
      const countdown = calls[i]!.ours.countdown!;
      if (countdown === 0) assert.ok(Number.isNaN(eta));
      else assert.ok(eta >= before + countdown * 1000 && eta <= after + countdown * 1000, `call ${i} eta`);
    });
    assert.equal(transport.published.length, calls.length);
    // Celery declares the queue only for the undelayed call (kombu then caches it, as our client does).
    const pyDeclared = theirs.flatMap((o) => (o["declare"] as { name: string }[]).map((q) => q.name));
    assert.deepEqual(pyDeclared, ["my-queue"]);
    assert.deepEqual(transport.declaredQueues, pyDeclared);
  });

  it("an eta: the header is the eta's instant (a naive string read as UTC and sent aware), the delay its distance", { skip }, async () => {
    const { client, transport } = clientFor(TOPIC_QUORUM);
    const at = new Date(Date.now() + 3_600_000);
    const naive = at.toISOString().slice(0, 19);
    // A countdown given with it loses to the eta, as in Celery (normally the countdown wins).
    await client.sendTask("tasks.add", [], {}, { eta: naive, countdown: 5 });
    const [published] = transport.published;
    assert.equal(published!.properties.headers?.["eta"], `${naive}.000000+00:00`);
    // 3599 or 3600 s depending on the milliseconds cut from the naive string: compare the levels that cannot change.
    const bits = published!.routingKey.split(".").slice(0, 28).join("");
    assert.ok([3599, 3600].includes(Number.parseInt(bits, 2)), published!.routingKey);
  });

  it("a direct exchange: published as usual, Celery's warning emitted once per exchange", async () => {
    const { client, transport } = clientFor({ task_default_queue_type: "quorum" });
    const warnings: Error[] = [];
    const listener = (w: Error): void => void (w.name === "CeleryProtoWarning" && warnings.push(w));
    process.on("warning", listener);
    try {
      await client.sendTask("tasks.add", [], {}, { countdown: 10 });
      await client.sendTask("tasks.add", [], {}, { countdown: 20 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listener);
    }
    assert.deepEqual(
      transport.published.map((p) => [p.exchange, p.routingKey]),
      [
        ["", "celery"],
        ["", "celery"],
      ],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /^Direct exchanges are not supported with native delayed delivery\.\ncelery is a direct exchange/);
  });

  it("refuses what Celery refuses: a delay under 1 s after int(), and the docs' route without queue", { skip }, async () => {
    const recipe = { ...TOPIC_QUORUM, task_routes: { "*": { routing_key: "my-queue" } } };
    const [truncated, keyError, plain] = [
      ...celerySendTask(TOPIC_QUORUM, [{ args: [], options: { countdown: 0.5 } }]),
      ...celerySendTask(recipe, [
        { args: [], options: { countdown: 10 } },
        { args: [], options: {} },
      ]),
    ];
    assert.deepEqual(truncated, { error: "ValueError", message: "countdown must be a positive number" });
    assert.deepEqual(keyError, { error: "KeyError", key: "exchange_type", raised_in: "send_task" });
    assert.equal(plain!["routing_key"], "my-queue");

    await assert.rejects(clientFor(TOPIC_QUORUM).client.sendTask("tasks.add", [], {}, { countdown: 0.5 }), (e: unknown) => {
      assert.ok(CeleryProtoError.is(e, "InvalidOption"));
      assert.deepEqual([e.details[0]?.keyword, e.details[0]?.message], ["ValueError", truncated["message"]]);
      return true;
    });
    const routed = clientFor(recipe);
    await assert.rejects(routed.client.sendTask("tasks.add", [], {}, { countdown: 10 }), (e: unknown) => {
      assert.ok(CeleryProtoError.is(e, "InvalidOption"));
      assert.deepEqual([e.details[0]?.keyword, e.details[0]?.path], ["KeyError", "/exchange_type"]);
      return true;
    });
    assert.equal(routed.transport.published.length, 0);
  });
});
