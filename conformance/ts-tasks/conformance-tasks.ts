// TypeScript handlers for the conformance task names (C:conformance/python/conformance_app/tasks.py), plus a few
// `wcore.*` tasks the worker-core tests need. Loaded with `proto worker -A conformance/ts-tasks/conformance-tasks.ts`
// (the `register(registry)` convention) or imported by tests.
import { setTimeout as sleep } from "node:timers/promises";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../../sdk/src/codec/json/python-values.js";
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";
import { SoftTimeLimitExceeded } from "../../worker/src/errors/task-control-errors.js";

/** A Python `ValueError`: the worker stores it as `builtins.ValueError`, so Python's `get()` raises a ValueError. */
export class ValueError extends Error {
  override readonly name = "ValueError";
}

class RuntimeError extends Error {
  override readonly name = "RuntimeError";
}

type Kwargs = Readonly<Record<string, unknown>>;

/** What a received value is, as the test reads it back through Python: the JS type the codec produced. */
function describeValue(value: unknown): string {
  if (value instanceof Date) return "Date";
  if (value instanceof Uint8Array) return "Uint8Array";
  for (const cls of [PyDecimal, PyUuid, PyDate, PyTime, PyFloat]) if (value instanceof cls) return cls.name;
  if (Array.isArray(value)) return "Array";
  return value === null ? "null" : typeof value;
}

export function register(registry: TaskRegistry): void {
  registry.register<[number, number], number, Kwargs>("conformance.add", ([x, y]) => x + y);
  registry.register<[number, number], number, Kwargs>("conformance.mul", ([x, y]) => x * y);
  registry.register<[number[]], number, Kwargs>("conformance.xsum", ([numbers]) => numbers.reduce((a, b) => a + b, 0));
  registry.register<[string?], never, Kwargs>("conformance.fail", ([message = "boom"]) => {
    throw new ValueError(message);
  });
  registry.register("conformance.echo", (args, kwargs) => ({ args: [...args], kwargs }));
  registry.register("conformance.noop", () => null);
  registry.register<[number], number, Kwargs>("conformance.sleep", async ([seconds], _k, { signal }) => {
    await sleep(seconds * 1000, undefined, { signal });
    return seconds;
  });
  registry.register<[number], string, Kwargs>("conformance.soft_limited", async ([seconds], _k, { signal }) => {
    try {
      await sleep(seconds * 1000, undefined, { signal });
    } catch (e) {
      if (signal.reason instanceof SoftTimeLimitExceeded) return "soft";
      throw e;
    }
    return "slept";
  });
  registry.register("conformance.retry_once", (_args, _kwargs, ctx) => {
    if (ctx.request.retries === 0) ctx.retry({ countdown: 1, exc: new RuntimeError("retry once") });
    return "retried";
  });

  // Returns each argument with the JS type it arrived as: Python reads the values back as the same Python types.
  registry.register("wcore.types", (args, kwargs) => ({
    types: args.map(describeValue),
    kwarg_types: Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, describeValue(v)])),
    values: [...args],
    kwargs,
  }));
  // Burns CPU without ever yielding: only the process pool's hard time limit (SIGKILL) can stop it.
  registry.register<[number], string, Kwargs>("wcore.spin", ([seconds]) => {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      // busy
    }
    return "spun";
  });
  // Which process ran it (the process pool runs tasks in child processes).
  registry.register("wcore.pid", () => process.pid);
  // When it ran (epoch seconds): countdown and eta checks.
  registry.register("wcore.now", () => new PyFloat(Date.now() / 1000));
  // acks_late batch item: short work; used to kill -9 a worker mid-batch.
  registry.register<[number, number], number, Kwargs>(
    "wcore.batch_late",
    async ([i, seconds]) => {
      await sleep(seconds * 1000);
      return i;
    },
    { acksLate: true },
  );
  // acks_late task that takes `seconds` on its first delivery and returns at once when redelivered (cold shutdown).
  registry.register<[number], string, Kwargs>(
    "wcore.slow_first",
    async ([seconds], _k, { request, signal }) => {
      if (request.deliveryInfo?.redelivered === true || request.headers["redelivered"] === true) return "redelivered";
      await sleep(seconds * 1000, undefined, { signal });
      return "first";
    },
    { acksLate: true },
  );
  // Throws its argument as it is, not wrapped in an Error: `throw {code: 42}`, `throw "text"`, `throw null`.
  registry.register("wcore.throw_value", ([value]) => {
    throw value;
  });
  // Returns its argument unchanged (NaN, ±Infinity and big integers from Python included).
  registry.register("wcore.identity", ([value]) => value);
}
