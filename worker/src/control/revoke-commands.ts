import type { ControlContext } from "./control-context.js";
import { ok, type ControlCommand } from "./control-command.js";
import { maybeList } from "./maybe-list.js";
import { PythonError } from "./python-error.js";
import { pythonRepr } from "./python-repr.js";
import { pythonSignum } from "./python-signum.js";
import { findRequest } from "./task-info-commands.js";

/**
 * `revoke` (C:celery/worker/control.py, Celery 5.7): adds the ids to the revoked set, asks the core to store REVOKED
 * for the ids not executing here (`onRevoked`; Celery >= 5.6.2 does it in the command), and with `terminate`
 * aborts the held requests. Replies `tasks {'id', ...} flagged as revoked` (a Python set repr), or
 * `terminate: id1, id2` / `terminate: tasks unknown`.
 */
export const REVOKE: ControlCommand = {
  name: "revoke",
  type: "control",
  required: ["task_id"],
  optional: ["terminate", "signal"],
  anyKeyword: true,
  run: (ctx, args) => revoke(ctx, args["task_id"], args["terminate"] === true, args["signal"]),
};

/** `terminate <signal> <id>...`: revoke with terminate. */
export const TERMINATE: ControlCommand = {
  name: "terminate",
  type: "control",
  required: ["signal", "task_id"],
  anyKeyword: true,
  run: (ctx, args) => revoke(ctx, args["task_id"], true, args["signal"]),
};

/**
 * `revoke_by_stamped_headers` (Celery >= 5.3): records `{stamp: [values]}` in `revokedStamps` (the core discards
 * matching messages) and with `terminate` aborts executing requests whose stamps match.
 */
export const REVOKE_BY_STAMPED_HEADERS: ControlCommand = {
  name: "revoke_by_stamped_headers",
  type: "control",
  required: ["headers"],
  optional: ["terminate", "signal"],
  anyKeyword: true,
  run: (ctx, args) => {
    pythonSignum(args["signal"] ?? "SIGTERM");
    const headers = toHeaderMap(args["headers"]);
    for (const [header, stamps] of Object.entries(headers)) {
      ctx.revokedStamps.set(header, [...maybeList(ctx.revokedStamps.get(header)), ...maybeList(stamps)]);
    }
    if (args["terminate"] !== true) return ok(`headers ${pythonRepr(headers)} flagged as revoked, but not terminated`);
    const terminated = new Map<string, Set<unknown>>();
    for (const held of [...ctx.state.active.values()]) {
      const stamps = held.request.stamps;
      if (Object.keys(stamps).length === 0) continue;
      for (const [key, expected] of Object.entries(headers)) {
        const actual = stamps[key];
        if (!(key in stamps) || actual === null || actual === undefined) continue;
        const wanted = new Set(maybeList(expected));
        const matching = maybeList(actual).filter((v) => wanted.has(v));
        if (matching.length === 0) continue;
        const set = terminated.get(key) ?? new Set<unknown>();
        for (const value of matching) set.add(value);
        terminated.set(key, set);
        held.abort("terminated");
      }
    }
    if (terminated.size === 0) return ok(`headers ${pythonRepr(headers)} were not terminated`);
    return ok(`headers defaultdict(<class 'set'>, ${pythonRepr(terminated)}) revoked`);
  },
};

async function revoke(ctx: ControlContext, taskId: unknown, terminate: boolean, signal: unknown): Promise<unknown> {
  const ids = [...new Set(maybeList(taskId).map(String))];
  for (const id of ids) ctx.state.revoked.add(id);
  const idle = ids.filter((id) => !ctx.state.active.has(id));
  if (ctx.onRevoked !== null && idle.length > 0) {
    try {
      await ctx.onRevoked(idle);
    } catch (e) {
      ctx.log.warning(`Failed to mark tasks ${idle.join(", ")} as revoked in backend`, e);
    }
  }
  if (terminate) {
    const signum = pythonSignum(signal ?? "SIGTERM");
    const terminated: string[] = [];
    for (const id of ids) {
      const found = findRequest(ctx.state, id);
      if (found === null || terminated.includes(id)) continue;
      terminated.push(id);
      ctx.log.info(`Terminating ${id} (${signum.name ?? signum.number})`);
      found.held.abort("terminated");
    }
    return ok(terminated.length === 0 ? "terminate: tasks unknown" : `terminate: ${terminated.join(", ")}`);
  }
  ctx.log.info(`Tasks flagged as revoked: ${ids.join(", ")}`);
  return ok(`tasks ${pythonRepr(new Set(ids))} flagged as revoked`);
}

/** Celery's conversion of `["k=v", ...]` (CLI form) to `{k: v}`; a mapping is taken as is. */
function toHeaderMap(headers: unknown): Record<string, unknown> {
  if (Array.isArray(headers)) {
    const out: Record<string, unknown> = {};
    for (const h of headers) {
      const parts = String(h).split("=");
      if (parts.length < 2) throw new PythonError("IndexError", "list index out of range");
      out[parts[0]!] = parts[1];
    }
    return out;
  }
  if (headers !== null && typeof headers === "object") return { ...(headers as Record<string, unknown>) };
  throw new PythonError("AttributeError", `'${pythonTypeName(headers)}' object has no attribute 'items'`);
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return typeof value;
}
