// The reusable pieces behind both pools: in-process soft/hard limits (runWithLimits), the IPC value and error
// encodings, and the execArgv pool processes inherit.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { errorToExceptionInfo } from "../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../../sdk/src/codec/json/python-values.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { Ignore, MaxRetriesExceededError, Reject, SoftTimeLimitExceeded, TimeLimitExceeded } from "../src/errors/task-control-errors.js";
import { RetryRequested } from "../src/execution/retry-requested.js";
import type { ExecutionOutcome } from "../src/pool/execution-pool.js";
import { fromIpcValue, toIpcValue } from "../src/pool/ipc-value.js";
import { resolveChildExecArgv } from "../src/pool/resolve-child-exec-argv.js";
import { runWithLimits } from "../src/pool/run-with-limits.js";
import { fromWireError, toWireError } from "../src/pool/wire-error.js";
import { fromWireOutcome, toWireOutcome } from "../src/pool/wire-outcome.js";

function kindOf(outcome: ExecutionOutcome): string {
  return outcome.kind;
}

describe("runWithLimits (in process)", () => {
  it("success, failure, retry, reject and ignore are classified as Celery's tracer does", async () => {
    assert.deepEqual(await runWithLimits(() => 42, { hard: null, soft: null }).then((o) => [o.kind, o.kind === "success" && o.value]), ["success", 42]);
    const failure = await runWithLimits(() => Promise.reject(new RangeError("r")), { hard: null, soft: null });
    assert.equal(failure.kind, "failure");
    const sync = await runWithLimits(
      () => {
        throw new TypeError("sync");
      },
      { hard: null, soft: null },
    );
    assert.equal(sync.kind === "failure" && (sync.error as Error).message, "sync");
    const retry = await runWithLimits(
      () => {
        throw new RetryRequested({ countdown: 3 }, 180);
      },
      { hard: null, soft: null },
    );
    assert.deepEqual(retry.kind === "retry" && retry.options, { countdown: 3 });
    assert.deepEqual(await runWithLimits(() => Promise.reject(new Reject("x", true)), { hard: null, soft: null }), { kind: "reject", requeue: true });
    assert.deepEqual(await runWithLimits(() => Promise.reject(new Ignore()), { hard: null, soft: null }), { kind: "ignore" });
  });

  it("a handler's value is adopted as Promise.resolve adopts it: a foreign thenable, a throwing then getter", async () => {
    // Thenables made on purpose (the key is a variable so that the lint rule against accidental ones lets them be).
    const THEN = "then";
    const none = { hard: null, soft: null };
    const foreign = await runWithLimits(() => ({ [THEN]: (resolve: (v: unknown) => void) => resolve("adopted") }), none);
    assert.equal(foreign.kind === "success" && foreign.value, "adopted");
    const throwing = {};
    Object.defineProperty(throwing, THEN, {
      get() {
        throw new RangeError("then getter");
      },
    });
    const getter = await runWithLimits(() => throwing, none);
    assert.equal(getter.kind === "failure" && (getter.error as Error).message, "then getter");
  });

  it("soft limit: a handler that catches it and returns succeeds", async () => {
    const outcome = await runWithLimits(
      async (signal) => {
        try {
          await sleep(5000, undefined, { signal });
          return "slept";
        } catch {
          return signal.reason instanceof SoftTimeLimitExceeded ? "soft" : "other";
        }
      },
      { hard: null, soft: 0.05 },
    );
    assert.equal(outcome.kind === "success" && outcome.value, "soft");
  });

  it("soft limit: the AbortError of signal-aware work fails the task with SoftTimeLimitExceeded", async () => {
    const outcome = await runWithLimits((signal) => sleep(5000, undefined, { signal }), { hard: null, soft: 0.05 });
    assert.equal(outcome.kind, "failure");
    const error = outcome.kind === "failure" ? outcome.error : null;
    assert.ok(error instanceof SoftTimeLimitExceeded);
    assert.deepEqual(errorToExceptionInfo(error), { exc_type: "SoftTimeLimitExceeded", exc_message: [], exc_module: "billiard.exceptions" });
  });

  it("soft limit: a handler that ignores the signal fails after the grace and is abandoned", async () => {
    const started = performance.now();
    const outcome = await runWithLimits(() => sleep(3000), { hard: null, soft: 0.05 }, { softTimeLimitGraceMs: 100 });
    const elapsed = performance.now() - started;
    assert.ok(outcome.kind === "failure" && outcome.error instanceof SoftTimeLimitExceeded);
    assert.ok(elapsed >= 140 && elapsed < 1000, `${elapsed}`);
  });

  it("hard limit: resolves time-limit and aborts the signal with TimeLimitExceeded", async () => {
    let seen: unknown = null;
    const started = performance.now();
    const outcome = await runWithLimits(
      async (signal) => {
        signal.addEventListener("abort", () => (seen = signal.reason));
        await sleep(3000);
      },
      { hard: 0.1, soft: null },
    );
    assert.equal(outcome.kind, "time-limit");
    assert.equal(outcome.kind === "time-limit" && outcome.seconds, 0.1);
    assert.ok(performance.now() - started < 1000);
    assert.ok(seen instanceof TimeLimitExceeded);
  });

  it("hard limit cannot interrupt a synchronous loop in process (why the process pool exists)", async () => {
    const started = performance.now();
    const outcome = await runWithLimits(
      () => {
        const end = Date.now() + 250;
        while (Date.now() < end) {
          // blocks the event loop: no timer can fire
        }
        return "finished";
      },
      { hard: 0.05, soft: null },
    );
    assert.equal(outcome.kind === "success" && outcome.value, "finished");
    assert.ok(performance.now() - started >= 245);
  });

  it("terminate signal ends the run as terminated", async () => {
    const controller = new AbortController();
    const pending = runWithLimits((signal) => sleep(3000, undefined, { signal }), { hard: null, soft: null }, { terminate: controller.signal });
    controller.abort("SIGKILL");
    assert.deepEqual(await pending, { kind: "terminated", signal: "SIGKILL" });
  });

  it("null and 0 limits are no limits", async () => {
    const outcome = await runWithLimits(() => sleep(60).then(() => "ok"), { hard: 0, soft: 0 });
    assert.equal(kindOf(outcome), "success");
  });
});

describe("IPC values", () => {
  it("round-trip losslessly, keep shared references and refuse what kombu JSON refuses", () => {
    const shared = { s: 1 };
    class Money {
      toJSON(): string {
        return "as json";
      }
    }
    const value = {
      a: [1, -0, Number.NaN, Infinity, 2n ** 80n, 3n, "x", true, null, undefined],
      d: new Date(123),
      b: new Uint8Array([9, 8]),
      py: [new PyFloat(1), new PyDecimal("0.10"), new PyUuid("12345678123456781234567812345678"), new PyDate("2020-01-01"), new PyTime("10:00:00")],
      twice: [shared, shared],
      withToJSON: new Money(),
    };
    const back = fromIpcValue(structuredClone(toIpcValue(value))) as typeof value & { withToJSON: unknown };
    assert.deepEqual({ ...back, withToJSON: null }, { ...value, withToJSON: null });
    assert.equal(back.withToJSON, "as json");
    assert.equal(back.twice[0], back.twice[1]);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    for (const bad of [cyclic, new Map(), () => 1, Symbol("s"), new Float64Array(1)]) {
      assert.throws(
        () => toIpcValue({ bad }),
        (e: unknown) => CeleryProtoError.is(e, "EncodeError") && /\/bad/.test((e as Error).message),
      );
    }
  });

  it("a wire error rebuilds to the same exception dict, keeping control classes", () => {
    const custom = Object.assign(new Error("boom"), { excType: "HTTPError", excModule: "requests.exceptions", excArgs: [404, { url: "x", at: new Date(0) }] });
    const samples: unknown[] = [
      new Error("plain"),
      new TypeError("t"),
      custom,
      "a string",
      42,
      null,
      new SoftTimeLimitExceeded(),
      new MaxRetriesExceededError("m"),
      new TimeLimitExceeded(3),
      new CeleryProtoError("EncodeError", "e"),
    ];
    for (const sample of samples) {
      const rebuilt = fromWireError(structuredClone(toWireError(sample)));
      assert.deepEqual(errorToExceptionInfo(rebuilt), errorToExceptionInfo(sample), String(sample));
    }
    assert.ok(fromWireError(toWireError(new SoftTimeLimitExceeded())) instanceof SoftTimeLimitExceeded);
    assert.ok(fromWireError(toWireError(new MaxRetriesExceededError("m"))) instanceof MaxRetriesExceededError);
    assert.ok(CeleryProtoError.is(fromWireError(toWireError(new CeleryProtoError("EncodeError", "e"))), "EncodeError"));
    class Mine extends Error {}
    assert.ok(fromWireError(toWireError(new Mine("m")), [Mine]) instanceof Mine);
    assert.ok(!(fromWireError(toWireError(new Mine("m"))) instanceof Mine));
  });

  it("outcomes cross the channel", () => {
    const outcomes: ExecutionOutcome[] = [
      { kind: "success", value: { n: 5n, d: new Date(1) }, runtimeSeconds: 0.5 },
      { kind: "reject", requeue: false },
      { kind: "ignore" },
      { kind: "retry", options: { countdown: 1, eta: new Date(5), maxRetries: null }, runtimeSeconds: 1 },
    ];
    for (const outcome of outcomes) assert.deepEqual(fromWireOutcome(structuredClone(toWireOutcome(outcome))), outcome);
    const unencodable = fromWireOutcome(toWireOutcome({ kind: "success", value: new Set([1]), runtimeSeconds: 0 }));
    assert.equal(unencodable.kind, "failure");
  });
});

describe("pool process execArgv", () => {
  it("keeps loaders (tsx) and drops test-runner, inspector and watch options", () => {
    assert.deepEqual(
      resolveChildExecArgv([
        "--import",
        "tsx",
        "--test-concurrency=2",
        "--test-reporter",
        "spec",
        "--inspect=9229",
        "--enable-source-maps",
        "--watch",
        "--require",
        "/x/preflight.cjs",
      ]),
      ["--import", "tsx", "--enable-source-maps", "--require", "/x/preflight.cjs"],
    );
  });
});
