import { NO_REPLY, nok, ok, type ControlCommand } from "./control-command.js";
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
    if (ctx.control.autoscalerInfo?.() != null) return nok("pool_grow is not supported with autoscale. Adjust autoscale range instead.");
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
    if (ctx.control.autoscalerInfo?.() != null) return nok("pool_shrink is not supported with autoscale. Adjust autoscale range instead.");
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

/** `autoscale [max] [min]`: new autoscale bounds; without `--autoscale`, Celery's ValueError. */
export const AUTOSCALE: ControlCommand = {
  name: "autoscale",
  type: "control",
  optional: ["max", "min"],
  run: (ctx, args) => {
    const bound = (value: unknown): number | null => (value === undefined || value === null ? null : count(value));
    const bounds = ctx.control.updateAutoscale?.(bound(args["max"]), bound(args["min"])) ?? null;
    if (bounds === null) throw new PythonError("ValueError", "Autoscale not enabled");
    return ok(`autoscale now max=${bounds[0]} min=${bounds[1]}`);
  },
};

/** `election`: holds a gossip election (`WorkerControl.election`); without gossip nothing happens, as in Celery. */
export const ELECTION: ControlCommand = {
  name: "election",
  type: "control",
  required: ["id", "topic"],
  optional: ["action"],
  anyKeyword: true,
  run: (ctx, args) => {
    ctx.control.election?.(String(args["id"]), args["topic"], args["action"] ?? null);
    return null;
  },
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
