import os from "node:os";
import { SOFTWARE_INFO } from "../events/software-info.js";
import { ok, type ControlCommand } from "./control-command.js";
import type { ControlContext } from "./control-context.js";
import { readRevokedIds } from "./read-revoked-ids.js";
import { readRusage } from "./read-rusage.js";

/** `ping`: `{"ok": "pong"}`. */
export const PING: ControlCommand = { name: "ping", type: "inspect", anyKeyword: true, run: () => ok("pong") };

/** `clock`: the worker's Lamport clock value. */
export const CLOCK: ControlCommand = { name: "clock", type: "inspect", anyKeyword: true, run: (ctx) => ({ clock: ctx.state.clock.current }) };

/**
 * `hello` (mingle, Celery 5.7): merges the sender's revoked ids and replies with ours (a list, oldest first) and
 * our forwarded clock; no reply data (null) when the sender is this node. Both Celery lines accept the list form.
 */
export const HELLO: ControlCommand = {
  name: "hello",
  type: "inspect",
  required: ["from_node"],
  optional: ["revoked"],
  anyKeyword: true,
  run: (ctx, args) => {
    if (args["from_node"] === ctx.hostname) return null;
    ctx.log.info(`sync with ${String(args["from_node"])}`);
    const theirs = readRevokedIds(args["revoked"]);
    if (theirs.length > 0) ctx.state.revoked.update(theirs);
    return { revoked: ctx.state.revoked.ids(), clock: ctx.state.clock.forward() };
  },
};

/**
 * `stats`: Celery's `Worker.stats()` shape: `autoscaler` (with `--autoscale`), `total, pid, clock (a string), uptime, pool{implementation,
 * max-concurrency, processes, max-tasks-per-child, put-guarded-by-semaphore, timeouts}, broker, prefetch_count,
 * rusage`.
 */
export const STATS: ControlCommand = {
  name: "stats",
  type: "inspect",
  anyKeyword: true,
  run: (ctx) => ({
    ...autoscalerOf(ctx),
    total: Object.fromEntries(ctx.state.totals),
    pid: process.pid,
    clock: String(ctx.state.clock.current),
    uptime: Math.round((Date.now() - ctx.state.startedAt) / 1000),
    pool: {
      implementation: ctx.control.poolImplementation(),
      "max-concurrency": ctx.control.concurrency(),
      processes: [...(ctx.pool?.pids() ?? [process.pid])],
      "max-tasks-per-child": null,
      "put-guarded-by-semaphore": true,
      timeouts: [],
      ...ctx.pool?.info?.(),
    },
    broker: ctx.control.brokerInfo(),
    prefetch_count: ctx.control.prefetchCount(),
    rusage: readRusage(),
  }),
};

/** Celery's `Autoscaler` bootstep info: `{autoscaler: {max, min, current, qty}}` with `--autoscale`, else nothing. */
function autoscalerOf(ctx: ControlContext): Readonly<Record<string, unknown>> {
  const info = ctx.control.autoscalerInfo?.() ?? null;
  return info === null ? {} : { autoscaler: info };
}

/** `report`: `ok(<bug report text>)`, in the layout of Celery's `app.bugreport()`. */
export const REPORT: ControlCommand = {
  name: "report",
  type: "inspect",
  run: (ctx) =>
    ok(
      [
        `software -> ${SOFTWARE_INFO.sw_ident}:${SOFTWARE_INFO.sw_ver} node:${process.version}`,
        `platform -> system:${SOFTWARE_INFO.sw_sys} arch:${os.arch()}`,
        `            kernel version:${os.release()} imp:node`,
        `settings -> transport:${ctx.transport.kind}`,
        "",
      ].join("\n"),
    ),
};

/** `conf` / `dump_conf`: the worker's settings by Celery's setting names. */
export const CONF: ControlCommand = {
  name: "conf",
  alias: "dump_conf",
  type: "inspect",
  optional: ["with_defaults"],
  anyKeyword: true,
  run: (ctx) => ({ ...ctx.settings() }),
};
