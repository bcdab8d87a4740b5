import { formatPythonIsoformat } from "../../../sdk/src/codec/time/iso-datetime.js";
import { pythonScalarRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { HeldRequest, WorkerState } from "../app/worker-state.js";
import type { ControlCommand } from "./control-command.js";
import { maybeList } from "./maybe-list.js";
import { requestInfo } from "./request-info.js";

/** Celery's `DEFAULT_TASK_INFO_ITEMS`. */
const DEFAULT_TASK_INFO_ITEMS = ["exchange", "routing_key", "rate_limit"];

/** Python task attribute → where our registry keeps it (`None` for the ones it has no notion of). */
const TASK_ATTRIBUTES: Readonly<Record<string, (task: RegisteredTask) => unknown>> = {
  name: (t) => t.name,
  rate_limit: (t) => t.options.rateLimit,
  time_limit: (t) => t.options.timeLimit,
  soft_time_limit: (t) => t.options.softTimeLimit,
  max_retries: (t) => t.options.maxRetries,
  default_retry_delay: (t) => t.options.defaultRetryDelay,
  acks_late: (t) => t.options.acksLate,
  acks_on_failure_or_timeout: (t) => t.options.acksOnFailureOrTimeout,
  acks_on_failure: (t) => t.options.acksOnFailure,
  acks_on_timeout: (t) => t.options.acksOnTimeout,
  reject_on_worker_lost: (t) => t.options.rejectOnWorkerLost,
  retry_on_worker_lost: (t) => t.options.retryOnWorkerLost,
  track_started: (t) => t.options.trackStarted,
  ignore_result: (t) => t.options.ignoreResult,
  store_errors_even_if_ignored: (t) => t.options.storeErrorsEvenIfIgnored,
  serializer: (t) => t.options.serializer,
};

/** `active` / `dump_active`: the executing requests. */
export const ACTIVE: ControlCommand = {
  name: "active",
  alias: "dump_active",
  type: "inspect",
  optional: ["safe"],
  anyKeyword: true,
  run: (ctx, args) => [...ctx.state.active.values()].map((held) => requestInfo(held, args["safe"] === true)),
};

/** `reserved` / `dump_reserved`: received and waiting for a pool slot (reserved minus active). */
export const RESERVED: ControlCommand = {
  name: "reserved",
  alias: "dump_reserved",
  type: "inspect",
  anyKeyword: true,
  run: (ctx) => [...ctx.state.reserved.values()].filter((held) => !ctx.state.active.has(held.request.id)).map((held) => requestInfo(held)),
};

/** `scheduled` / `dump_schedule`: waiting for their ETA, with the timer priority Celery gives ETA entries (6). */
export const SCHEDULED: ControlCommand = {
  name: "scheduled",
  alias: "dump_schedule",
  type: "inspect",
  anyKeyword: true,
  run: (ctx) =>
    [...ctx.state.scheduled.values()].map((held) => ({
      eta: formatPythonIsoformat(held.eta),
      priority: 6,
      request: requestInfo(held),
    })),
};

/** `query_task`: `{id: [state, request_info]}` for the given ids this worker holds. */
export const QUERY_TASK: ControlCommand = {
  name: "query_task",
  type: "inspect",
  required: ["ids"],
  anyKeyword: true,
  run: (ctx, args) => {
    const out: Record<string, unknown> = {};
    for (const id of maybeList(args["ids"])) {
      const found = findRequest(ctx.state, String(id));
      if (found !== null) out[found.held.request.id] = [found.state, requestInfo(found.held)];
    }
    return out;
  },
};

/** `revoked` / `dump_revoked`: the revoked ids, oldest first. */
export const REVOKED: ControlCommand = {
  name: "revoked",
  alias: "dump_revoked",
  type: "inspect",
  anyKeyword: true,
  run: (ctx) => ctx.state.revoked.ids(),
};

/** `registered` / `dump_tasks`: sorted task names, with `[attr=value ...]` for the requested attributes that are set. */
export const REGISTERED: ControlCommand = {
  name: "registered",
  alias: "dump_tasks",
  type: "inspect",
  optional: ["taskinfoitems", "builtins"],
  anyKeyword: true,
  run: (ctx, args) => {
    const requested = maybeList(args["taskinfoitems"]);
    const items = (requested.length > 0 ? requested : DEFAULT_TASK_INFO_ITEMS).filter((i): i is string => typeof i === "string" && !i.startsWith("_"));
    const builtins = args["builtins"] === true;
    return ctx.registry
      .names()
      .filter((name) => builtins || !name.startsWith("celery."))
      .map((name) => {
        const task = ctx.registry.get(name)!;
        const fields = items.flatMap((item) => {
          const value = TASK_ATTRIBUTES[item]?.(task);
          return value === null || value === undefined ? [] : [`${item}=${pythonStr(value)}`];
        });
        return fields.length > 0 ? `${name} [${fields.join(" ")}]` : name;
      });
  },
};

/** Where a held request is, in Celery's order of checks (`_state_of_task`). */
export function findRequest(state: WorkerState, id: string): { readonly state: "active" | "reserved" | "scheduled"; readonly held: HeldRequest } | null {
  const active = state.active.get(id);
  if (active !== undefined) return { state: "active", held: active };
  const reserved = state.reserved.get(id);
  if (reserved !== undefined) return { state: "reserved", held: reserved };
  const scheduled = state.scheduled.get(id);
  if (scheduled !== undefined) return { state: "scheduled", held: scheduled };
  return null;
}

/** Python's `str(value)` for a task attribute. */
function pythonStr(value: unknown): string {
  return typeof value === "string" ? value : pythonScalarRepr(value);
}
