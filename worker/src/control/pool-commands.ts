import { NO_REPLY, ok, type ControlCommand } from "./control-command.js";
import { PythonError } from "./python-error.js";

function count(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value ?? 1);
  if (!Number.isInteger(n)) throw new PythonError("TypeError", `'${String(value)}' is not an integer`);
  return n;
}

/** `pool_grow [n=1]`: raises the concurrency by n. */
export const POOL_GROW: ControlCommand = {
  name: "pool_grow",
  type: "control",
  optional: ["n"],
  anyKeyword: true,
  run: (ctx, args) => {
    ctx.control.setConcurrency(ctx.control.concurrency() + count(args["n"]));
    return ok("pool will grow");
  },
};

/** `pool_shrink [n=1]`: lowers the concurrency by n (never below 1). */
export const POOL_SHRINK: ControlCommand = {
  name: "pool_shrink",
  type: "control",
  optional: ["n"],
  anyKeyword: true,
  run: (ctx, args) => {
    ctx.control.setConcurrency(Math.max(1, ctx.control.concurrency() - count(args["n"])));
    return ok("pool will shrink");
  },
};

/** `pool_restart`: not supported (Celery without `worker_pool_restarts` answers the same). */
export const POOL_RESTART: ControlCommand = {
  name: "pool_restart",
  type: "control",
  optional: ["modules", "reload", "reloader"],
  anyKeyword: true,
  run: () => {
    throw new PythonError("ValueError", "Pool restarts not enabled");
  },
};

/** `autoscale`: not supported (Celery without `--autoscale` answers the same). */
export const AUTOSCALE: ControlCommand = {
  name: "autoscale",
  type: "control",
  optional: ["max", "min"],
  run: () => {
    throw new PythonError("ValueError", "Autoscale not enabled");
  },
};

/** `election`: gossip elections are not implemented; like a worker without gossip, nothing happens. */
export const ELECTION: ControlCommand = {
  name: "election",
  type: "control",
  required: ["id", "topic"],
  optional: ["action"],
  anyKeyword: true,
  run: () => null,
};

/** `shutdown`: warm shutdown through `WorkerControl.shutdown()`; no reply (Celery raises `WorkerShutdown`). */
export const SHUTDOWN: ControlCommand = {
  name: "shutdown",
  type: "control",
  optional: ["msg"],
  anyKeyword: true,
  run: (ctx, args) => {
    ctx.log.warning(String(args["msg"] ?? "Got shutdown from remote"));
    ctx.control.shutdown();
    return NO_REPLY;
  },
};
