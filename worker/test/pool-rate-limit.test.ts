// Rate limiting as Celery does it: the token bucket replayed against kombu's own TokenBucket on a fixed clock, rate
// strings parsed against Celery's `rate()`, and the per-task-name limiter's timing (one name spaced, others free).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { parseRateLimit } from "../src/pool/parse-rate-limit.js";
import { createRateLimiter } from "../src/pool/rate-limiter.js";
import { createTokenBucket, TokenBucket } from "../src/pool/token-bucket.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");

function runPython(script: string, input: unknown): unknown {
  const result = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", cwd: ROOT });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as unknown;
}

/** [clock seconds, operation] — "c" = can_consume(n), "e" = expected_time(n). */
type Step = readonly [number, "c" | "e", number];

const SCENARIOS: ReadonlyArray<{ readonly rate: string | number; readonly steps: readonly Step[] }> = [
  {
    rate: "10/s",
    steps: [
      [0, "c", 1],
      [0, "c", 1],
      [0, "e", 1],
      [0.05, "e", 1],
      [0.05, "c", 1],
      [0.1, "c", 1],
      [0.1, "c", 1],
      [0.13, "e", 1],
      [0.25, "c", 1],
      [5, "e", 1],
      [5, "c", 1],
      [5.01, "c", 1],
      [5.01, "e", 1],
      [5.2, "c", 1],
      [5.2, "e", 2],
      [5.3, "c", 2],
    ],
  },
  {
    rate: "5/m",
    steps: [
      [0, "c", 1],
      [1, "c", 1],
      [1, "e", 1],
      [11.999, "c", 1],
      [12, "e", 1],
      [12.000001, "c", 1],
      [100, "c", 1],
      [100, "c", 1],
      [101.5, "e", 1],
    ],
  },
  {
    rate: "1/h",
    steps: [
      [0, "e", 1],
      [0, "c", 1],
      [1800, "e", 1],
      [1800, "c", 1],
      [3599.999, "c", 1],
      [3600.0001, "c", 1],
      [3600.0001, "e", 1],
    ],
  },
  {
    // Idle at capacity, then a burst: kombu 5.7 advances the timestamp while full, so no second token right away.
    rate: 2.5,
    steps: [
      [0, "c", 1],
      [10, "e", 1],
      [20, "c", 1],
      [20, "c", 1],
      [20, "e", 1],
      [20.3, "e", 1],
      [20.4, "c", 1],
      [20.4, "e", 0.5],
      [20.6, "c", 0.5],
    ],
  },
];

describe("token bucket: kombu's numbers", () => {
  it("replays kombu.utils.limits.TokenBucket exactly on a fixed clock", { skip: !existsSync(PYTHON) && "no .venv" }, () => {
    const python = runPython(
      `
import json, sys
import kombu.utils.limits as limits
from celery.utils.time import rate
clock = [0.0]
limits.monotonic = lambda: clock[0]
out = []
for scenario in json.load(sys.stdin):
    clock[0] = 0.0
    bucket = limits.TokenBucket(rate(scenario["rate"]), capacity=1)
    results = []
    for t, op, n in scenario["steps"]:
        clock[0] = t
        results.append(bucket.can_consume(n) if op == "c" else bucket.expected_time(n))
    out.append(results)
print(json.dumps(out))
`,
      SCENARIOS,
    );
    const ours = SCENARIOS.map(({ rate, steps }) => {
      let now = 0;
      const bucket = createTokenBucket(rate, { now: () => now });
      assert.ok(bucket);
      return steps.map(([t, op, n]) => {
        now = t;
        return op === "c" ? bucket.canConsume(n) : bucket.expectedTime(n);
      });
    });
    assert.deepEqual(ours, python);
  });

  it("no limit → no bucket; capacity and fill rate as Celery builds them", () => {
    assert.equal(createTokenBucket(null), null);
    assert.equal(createTokenBucket(""), null);
    assert.equal(createTokenBucket(0), null);
    assert.equal(createTokenBucket("0/s"), null);
    const bucket = createTokenBucket("6/m");
    assert.ok(bucket instanceof TokenBucket);
    assert.equal(bucket.capacity, 1);
    assert.equal(bucket.fillRate, 0.1);
  });
});

describe("parseRateLimit: Celery's rate()", () => {
  const ACCEPTED: readonly (string | number)[] = [
    "10/s",
    "5/m",
    "1/h",
    "100/m",
    "0.5/s",
    "2",
    "10/",
    " 10 /s",
    "1_000/h",
    "1e3/m",
    ".5/s",
    "5./s",
    "+3/s",
    "inf/s",
    "INFINITY/m",
    "0/s",
    "0.0",
    "",
    0,
    2.5,
    7,
  ];
  const REFUSED: readonly string[] = ["10/x", "abc/s", "10/s/x", "10/ s", "1__0/s", "_1/s", "/s", "10/S", "1 0/s"];

  it("gives the same tokens per second as Celery for every accepted form", { skip: !existsSync(PYTHON) && "no .venv" }, () => {
    const python = runPython(
      `
import json, sys
from celery.utils.time import rate
out = []
for value in json.load(sys.stdin):
    r = rate(value)
    out.append("inf" if r == float("inf") else r)
print(json.dumps(out))
`,
      ACCEPTED,
    ) as Array<number | "inf">;
    assert.deepEqual(
      ACCEPTED.map((value) => {
        const r = parseRateLimit(value);
        return r === Infinity ? "inf" : r;
      }),
      python,
    );
  });

  it("refuses what Celery refuses (KeyError/ValueError), with an InvalidOption naming the option", { skip: !existsSync(PYTHON) && "no .venv" }, () => {
    const python = runPython(
      `
import json, sys
from celery.utils.time import rate
out = []
for value in json.load(sys.stdin):
    try:
        rate(value)
        out.append("ok")
    except (KeyError, ValueError) as e:
        out.append(type(e).__name__)
print(json.dumps(out))
`,
      REFUSED,
    ) as string[];
    assert.ok(
      python.every((r) => r !== "ok"),
      JSON.stringify(python),
    );
    for (const value of REFUSED) {
      assert.throws(
        () => parseRateLimit(value),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /^rateLimit: /.test((e as Error).message),
        value,
      );
    }
  });

  it("deviation: negative and NaN rates are refused (Celery builds a bucket that never refills)", () => {
    for (const value of ["-1/s", "nan/s", -2, Number.NaN]) assert.throws(() => parseRateLimit(value), /must not be negative or NaN/);
    assert.equal(parseRateLimit(null), 0);
    assert.equal(parseRateLimit(undefined), 0);
  });
});

describe("RateLimiter", () => {
  it("spaces executions of one task name while another name runs freely", async () => {
    const limiter = createRateLimiter();
    limiter.setRate("tasks.limited", "10/s");
    const t0 = performance.now();
    const limited: number[] = [];
    const free: number[] = [];
    await Promise.all([
      ...[0, 1, 2, 3, 4].map(() => limiter.acquire("tasks.limited").then(() => limited.push(performance.now() - t0))),
      ...[0, 1, 2, 3, 4].map(() => limiter.acquire("tasks.free").then(() => free.push(performance.now() - t0))),
    ]);
    assert.ok(
      free.every((t) => t < 20),
      `free: ${free.map((t) => t.toFixed(0)).join(", ")}`,
    );
    assert.ok((limited[0] ?? Infinity) < 20, "a bucket starts full: the first runs at once");
    for (let i = 1; i < limited.length; i++) {
      const gap = (limited[i] ?? 0) - (limited[i - 1] ?? 0);
      assert.ok(gap >= 95 && gap < 160, `gap ${i}: ${gap.toFixed(1)} ms (limited: ${limited.map((t) => t.toFixed(0)).join(", ")})`);
    }
  });

  it("reads the tasks' rateLimit options (reset_rate_limits) and changes at runtime", async () => {
    const registry = new TaskRegistry();
    registry.register("tasks.slow", () => null, { rateLimit: "1/h" });
    registry.register("tasks.fast", () => null);
    const limiter = createRateLimiter();
    limiter.resetRateLimits(registry);
    assert.equal(limiter.rateOf("tasks.slow"), "1/h");
    assert.equal(limiter.rateOf("tasks.fast"), null);
    await limiter.acquire("tasks.slow");
    let released = false;
    const waiting = limiter.acquire("tasks.slow").then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(released, false);
    assert.equal(limiter.pending("tasks.slow"), 1);
    // `rate_limit tasks.slow ""` (control command): the waiting execution is released at once.
    registry.update("tasks.slow", { rateLimit: null });
    limiter.resetRateLimits(registry);
    await waiting;
    assert.equal(limiter.pending(), 0);
    assert.throws(
      () => limiter.setRate("tasks.slow", "3/fortnight"),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
    );
  });

  it("a waiting execution can be withdrawn, and clearPending drops them all", async () => {
    const limiter = createRateLimiter();
    limiter.setRate("t", "1/h");
    await limiter.acquire("t");
    const controller = new AbortController();
    const withdrawn = limiter.acquire("t", controller.signal);
    const dropped = limiter.acquire("t");
    controller.abort(new Error("revoked"));
    await assert.rejects(withdrawn, /revoked/);
    assert.equal(limiter.pending("t"), 1);
    limiter.clearPending();
    await assert.rejects(dropped, (e: unknown) => CeleryProtoError.is(e, "TransportClosed"));
    assert.equal(limiter.pending(), 0);
  });

  it("worker_disable_rate_limits: nothing waits", async () => {
    const limiter = createRateLimiter({ disabled: true });
    limiter.setRate("t", "1/h");
    await limiter.acquire("t");
    await limiter.acquire("t");
    assert.equal(limiter.pending(), 0);
  });
});
