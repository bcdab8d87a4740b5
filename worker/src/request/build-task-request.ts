import type { TaskMessage } from "../../../sdk/src/codec/task/task-message.js";
import { pickCustomHeaders } from "./custom-headers.js";
import type { TaskRequest } from "./task-request.js";

/**
 * Builds the request for a decoded message as Celery's worker `Request` does (C:celery/worker/request.py): the
 * display name is `shadow` or the task name, `timelimit` is `[hard, soft]`, `delivery_info` carries the exchange and
 * routing key of the delivery, the message's `priority` property and whether it is a redelivery.
 */
export function buildTaskRequest(message: TaskMessage, hostname: string): TaskRequest {
  const h = message.headers;
  const stampedHeaders = Array.isArray(h.stamped_headers) ? h.stamped_headers : [];
  const stamps = isRecord(h.stamps) ? h.stamps : {};
  const timelimit = Array.isArray(h.timelimit) ? h.timelimit : [null, null];
  const info = message.deliveryInfo;
  const priority = message.properties.priority;
  return {
    id: h.id,
    task: h.task,
    name: typeof h.shadow === "string" && h.shadow !== "" ? h.shadow : h.task,
    args: message.args,
    kwargs: message.kwargs,
    retries: typeof h.retries === "number" ? h.retries : 0,
    rootId: h.root_id ?? null,
    parentId: h.parent_id ?? null,
    groupId: h.group ?? null,
    groupIndex: h.group_index ?? null,
    eta: message.eta,
    expires: message.expires,
    timeLimit: [toSeconds(timelimit[0]), toSeconds(timelimit[1])],
    callbacks: message.embed.callbacks,
    errbacks: message.embed.errbacks,
    chain: message.embed.chain,
    chord: message.embed.chord,
    headers: pickCustomHeaders(h),
    replyTo: message.properties.reply_to ?? null,
    correlationId: message.properties.correlation_id ?? null,
    ignoreResult: typeof h.ignore_result === "boolean" ? h.ignore_result : null,
    stamps: Object.fromEntries(stampedHeaders.map((name) => [name, stamps[name] ?? null])),
    stampedHeaders,
    replacedTaskNesting: typeof h.replaced_task_nesting === "number" ? h.replaced_task_nesting : 0,
    origin: h.origin ?? null,
    argsrepr: h.argsrepr ?? "",
    kwargsrepr: h.kwargsrepr ?? "",
    deliveryInfo:
      info === null
        ? null
        : {
            exchange: info.exchange,
            routingKey: info.routingKey,
            priority: typeof priority === "number" ? priority : null,
            redelivered: info.redelivered ?? false,
          },
    hostname,
    message,
  };
}

function toSeconds(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
