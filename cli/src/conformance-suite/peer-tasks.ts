import type { TaskContext } from "../../../worker/src/app/task-context.js";
import type { TaskHandler } from "../../../worker/src/app/task-handler.js";
import type { TaskOptions } from "../../../worker/src/app/task-options.js";
import type { TaskRegistry } from "../../../worker/src/app/task-registry.js";
import { SoftTimeLimitExceeded } from "../../../worker/src/errors/task-control-errors.js";
import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { pythonTypeName } from "./python-type-name.js";
import { toPlain } from "./to-plain.js";
import type { WorkerRunLog } from "./worker-run-log.js";

/** `peer.fail`'s error: Python's ValueError. */
class PeerValueError extends Error {
  override readonly name = "ValueError";
}

function num(value: unknown): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number") throw new TypeError(`unsupported operand type: ${typeof value}`);
  return value;
}

/**
 * The message headers Celery's `Context` keeps as request fields (its attributes, and `lang`, `task`, `argsrepr`,
 * `kwargsrepr`, `compression`): `request.headers` is the others.
 */
const CELERY_REQUEST_KEYS: ReadonlySet<string> = new Set([
  ...["args", "callbacks", "called_directly", "chain", "chord", "correlation_id", "delivery_info", "errbacks", "eta", "expires"],
  ...["group", "group_index", "headers", "hostname", "id", "ignore_result", "is_eager", "kwargs", "logfile", "loglevel", "origin"],
  ...["parent_id", "properties", "replaced_task_nesting", "reply_to", "retries", "root_id", "shadow", "soft_time_limit"],
  ...["stamped_headers", "stamps", "taskset", "time_limit", "timelimit", "utc", "lang", "task", "argsrepr", "kwargsrepr", "compression"],
]);

/** Python's `x + y` / `x * y` on ints: exact at any size (a bigint beyond 2^53, a number within, as the codec decodes); on floats, JS's. */
function arithmetic(x: unknown, y: unknown, op: "+" | "*"): number | bigint {
  const isInt = (v: unknown): v is number | bigint => typeof v === "bigint" || Number.isInteger(v);
  if (!isInt(x) || !isInt(y)) return op === "+" ? num(x) + num(y) : num(x) * num(y);
  const r = op === "+" ? BigInt(x) + BigInt(y) : BigInt(x) * BigInt(y);
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

/** `self.request` as `peer.request` returns it (the same dict as the Python peer's). */
function requestInfo(context: TaskContext): Record<string, unknown> {
  const r = context.request;
  const d = r.deliveryInfo;
  const headers = r.message.headers as Readonly<Record<string, unknown>>;
  const custom = Object.entries(headers).filter(([key]) => !CELERY_REQUEST_KEYS.has(key));
  return {
    id: r.id,
    root_id: r.rootId,
    parent_id: r.parentId,
    group: r.groupId,
    retries: r.retries,
    hostname: r.hostname,
    delivery_info: {
      exchange: d?.exchange ?? null,
      routing_key: d?.routingKey ?? null,
      priority: d?.priority ?? null,
      redelivered: d?.redelivered ?? null,
    },
    // The headers as sent (Celery's request.eta / request.expires are the ISO strings of the message).
    eta: headers["eta"] ?? null,
    expires: headers["expires"] ?? null,
    args: [...r.args],
    kwargs: { ...r.kwargs },
    timelimit: headers["timelimit"] ?? null,
    shadow: headers["shadow"] ?? null,
    headers: custom.length === 0 ? null : Object.fromEntries(custom),
    stamps: headers["stamps"] ?? null,
  };
}

/**
 * Registers TypeScript implementations of the conformance peer's tasks (`peer.add`, `peer.mul`, `peer.xsum`,
 * `peer.echo`, `peer.fail`, `peer.retry_once`, `peer.sleep`, `peer.request`, `peer.noop`, `peer.types`, `peer.now`,
 * `peer.soft_limited`), so that cases sent by the
 * Celery peer's producer to our worker expect exactly what the Python peer returns. With `log`, every run is recorded
 * there (its request, its value or error).
 */
export function registerPeerTasks(target: TaskRegistry, log?: WorkerRunLog): void {
  const registry = {
    register: (name: string, handler: TaskHandler, options?: TaskOptions): void => {
      target.register(name, log === undefined ? handler : recorded(name, handler, log), options);
    },
  };
  registry.register("peer.add", ([x, y]) => arithmetic(x, y, "+"));
  registry.register("peer.mul", ([x, y]) => arithmetic(x, y, "*"));
  registry.register("peer.xsum", ([numbers]) => (numbers as readonly unknown[]).reduce<number | bigint>((sum, n) => arithmetic(sum, n, "+"), 0));
  registry.register("peer.echo", (args, kwargs) => ({ args: [...args], kwargs: { ...kwargs } }));
  registry.register("peer.fail", ([message], kwargs) => {
    throw new PeerValueError(String(kwargs["message"] ?? message ?? "boom"));
  });
  registry.register(
    "peer.retry_once",
    (_args, _kwargs, context) => {
      if (context.request.retries === 0) context.retry({ countdown: 1 });
      return "retried";
    },
    { maxRetries: 3 },
  );
  registry.register("peer.sleep", async ([seconds], _kwargs, context) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, num(seconds) * 1000);
      context.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return seconds;
  });
  registry.register("peer.request", (_args, _kwargs, context) => requestInfo(context));
  registry.register("peer.noop", () => null);
  registry.register("peer.types", (args, kwargs) => ({
    args: args.map(pythonTypeName),
    kwargs: Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, pythonTypeName(v)])),
  }));
  registry.register("peer.now", () => new PyFloat(Date.now() / 1000));
  registry.register("peer.soft_limited", async ([seconds], _kwargs, context) => {
    const interrupted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), num(seconds) * 1000);
      context.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(context.signal.reason instanceof SoftTimeLimitExceeded);
      });
    });
    return interrupted ? "soft" : "slept";
  });
}

/** `handler`, recording each run in `log`. */
function recorded(task: string, handler: TaskHandler, log: WorkerRunLog): TaskHandler {
  return async (args, kwargs, context) => {
    const request = requestInfo(context);
    try {
      const result = await handler(args, kwargs, context);
      log.record({ task, request, result: toPlain(result), at: Date.now() });
      return result;
    } catch (e) {
      const error = e instanceof Error ? { type: e.name, message: e.message } : { type: "Error", message: String(e) };
      log.record({ task, request, error, at: Date.now() });
      throw e;
    }
  };
}
