// Test helpers of the outcomes suites: a TaskRequest built from a decoded message the way Celery's worker builds its
// request Context (the core's own builder lives in worker/src/request/ once written), and a registered task.
import type { TaskMessage } from "../../sdk/src/codec/task/task-message.js";
import type { Signature } from "../../sdk/src/gen/json-schema/types.js";
import { TaskRegistry, type RegisteredTask } from "../src/app/task-registry.js";
import type { TaskHandler } from "../src/app/task-handler.js";
import type { TaskOptions } from "../src/app/task-options.js";
import type { TaskRequest } from "../src/request/task-request.js";

/** Header names Celery's `Context` knows (anything else is a custom header, `request.headers`). */
const KNOWN_HEADERS = new Set([
  "args",
  "callbacks",
  "called_directly",
  "chain",
  "chord",
  "correlation_id",
  "delivery_info",
  "errbacks",
  "eta",
  "expires",
  "group",
  "group_index",
  "headers",
  "hostname",
  "id",
  "ignore_result",
  "is_eager",
  "kwargs",
  "logfile",
  "loglevel",
  "origin",
  "parent_id",
  "properties",
  "retries",
  "reply_to",
  "replaced_task_nesting",
  "root_id",
  "shadow",
  "taskset",
  "timelimit",
  "time_limit",
  "soft_time_limit",
  "utc",
  "stamped_headers",
  "stamps",
  "lang",
  "task",
  "argsrepr",
  "kwargsrepr",
  "compression",
]);

export function requestFromMessage(message: TaskMessage, hostname = "ts-outcomes@test"): TaskRequest {
  const h = message.headers as unknown as Record<string, unknown>;
  const p = message.properties as unknown as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
  const timelimit = Array.isArray(h["timelimit"]) ? (h["timelimit"] as unknown[]) : [null, null];
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(h)) if (!KNOWN_HEADERS.has(key)) headers[key] = value;
  const stamped = Array.isArray(h["stamped_headers"]) ? (h["stamped_headers"] as string[]) : [];
  const task = String(h["task"]);
  return {
    id: String(h["id"]),
    task,
    name: text(h["shadow"]) ?? task,
    args: message.args,
    kwargs: message.kwargs,
    retries: typeof h["retries"] === "number" ? h["retries"] : 0,
    rootId: text(h["root_id"]),
    parentId: text(h["parent_id"]),
    groupId: text(h["group"]),
    groupIndex: typeof h["group_index"] === "number" ? h["group_index"] : null,
    eta: message.eta,
    expires: message.expires,
    timeLimit: [typeof timelimit[0] === "number" ? timelimit[0] : null, typeof timelimit[1] === "number" ? timelimit[1] : null],
    callbacks: message.embed.callbacks as readonly Signature[] | null,
    errbacks: message.embed.errbacks as readonly Signature[] | null,
    chain: message.embed.chain as readonly Signature[] | null,
    chord: message.embed.chord as Signature | null,
    headers,
    replyTo: text(p["reply_to"]),
    correlationId: text(p["correlation_id"]),
    ignoreResult: typeof h["ignore_result"] === "boolean" ? h["ignore_result"] : null,
    stamps: (h["stamps"] ?? {}) as Record<string, unknown>,
    stampedHeaders: stamped,
    replacedTaskNesting: typeof h["replaced_task_nesting"] === "number" ? h["replaced_task_nesting"] : 0,
    origin: text(h["origin"]),
    argsrepr: String(h["argsrepr"] ?? ""),
    kwargsrepr: String(h["kwargsrepr"] ?? ""),
    deliveryInfo: message.deliveryInfo,
    hostname,
    message,
  };
}

/** A task registered on a throwaway registry, with Celery's defaults plus `options`. */
export function registeredTask(name: string, options: TaskOptions = {}, handler: TaskHandler = () => null): RegisteredTask {
  return new TaskRegistry().register(name, handler, options);
}
