import { randomUUID } from "node:crypto";
import os from "node:os";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { Signature, TaskHeadersV2, TaskProperties } from "../../gen/json-schema/types.js";
import { PyTuple, safeRepr } from "../repr/safe-repr.js";
import { formatCeleryDateTime } from "../time/iso-datetime.js";
import type { TaskMessage } from "./task-message.js";
import type { TaskMessageInput } from "./task-message-input.js";

/** Celery's `argsrepr_maxsize` and `kwargsrepr_maxsize`. */
export const REPR_MAXSIZE = 1024;

/**
 * Builds a protocol 2 task message exactly as Celery's `AMQP.as_task_v2` + `send_task_message` do
 * (C:celery/app/amqp.py): the full header set in Celery's order, custom headers merged on top, `[args, kwargs, embed]`.
 */
export function createTaskMessage(input: TaskMessageInput): TaskMessage {
  if (typeof input.task !== "string" || input.task === "") throw option("task", "must be a non-empty task name");
  const args = input.args ?? [];
  const kwargs = input.kwargs ?? {};
  if (!Array.isArray(args)) throw option("args", "task args must be an array");
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) throw option("kwargs", "task keyword arguments must be an object");
  const id = input.id ?? randomUUID();
  const now = input.now ?? new Date();

  let eta: string | null = null;
  if (input.countdown !== undefined && input.countdown !== 0) {
    eta = formatCeleryDateTime(addSeconds(now, checkSeconds(input.countdown, "countdown")));
  } else if (input.eta !== undefined && input.eta !== null) {
    eta = typeof input.eta === "string" ? input.eta : formatCeleryDateTime(checkDate(input.eta, "eta"));
  }
  let expires: string | null = null;
  let expirationMs: number | null = null;
  if (typeof input.expires === "number") {
    const at = addSeconds(now, checkSeconds(input.expires, "expires"));
    expires = formatCeleryDateTime(at);
    expirationMs = Math.max(0, at.getTime() - now.getTime());
  } else if (input.expires instanceof Date) {
    expires = formatCeleryDateTime(checkDate(input.expires, "expires"));
    expirationMs = Math.max(0, input.expires.getTime() - now.getTime());
  } else if (typeof input.expires === "string") {
    expires = input.expires;
    const at = Date.parse(input.expires);
    if (!Number.isNaN(at)) expirationMs = Math.max(0, at - now.getTime());
  }

  const stamps = input.stamps ?? {};
  const stampedHeaders = Object.keys(stamps);
  const headers: Record<string, unknown> = {
    lang: "py",
    task: input.task,
    id,
    shadow: input.shadow ?? null,
    eta,
    expires,
    group: input.groupId ?? null,
    group_index: input.groupIndex ?? null,
    retries: input.retries ?? 0,
    timelimit: [input.timeLimit ?? null, input.softTimeLimit ?? null],
    root_id: input.rootId || id,
    parent_id: input.parentId ?? null,
    argsrepr: input.argsrepr ?? safeRepr(new PyTuple(args), { maxlen: REPR_MAXSIZE }),
    kwargsrepr: input.kwargsrepr ?? safeRepr(kwargs, { maxlen: REPR_MAXSIZE }),
    origin: input.origin ?? defaultOrigin(),
    ignore_result: input.ignoreResult ?? false,
    replaced_task_nesting: input.replacedTaskNesting ?? 0,
    stamped_headers: stampedHeaders.length > 0 ? stampedHeaders : null,
    stamps: { ...stamps },
    ...input.headers,
  };

  const properties: Record<string, unknown> = {
    correlation_id: id,
    reply_to: input.replyTo ?? "",
    delivery_mode: input.deliveryMode ?? 2,
  };
  // kombu's `publish(priority=0)` default; `priority=None` (our null) leaves the AMQP property out.
  if (input.priority !== null) properties["priority"] = input.priority ?? 0;
  // Celery passes expires as the publish option `expiration`, which kombu writes as whole milliseconds.
  if (expirationMs !== null) properties["expiration"] = String(Math.floor(expirationMs));

  return {
    protocol: 2,
    headers: headers as TaskHeadersV2,
    properties: properties as TaskProperties,
    args,
    kwargs,
    embed: {
      callbacks: toList(input.link),
      errbacks: toList(input.linkError),
      chain: input.chain ?? null,
      chord: input.chord ?? null,
    },
    eta: eta === null ? null : new Date(Date.parse(eta)),
    expires: expires === null ? null : new Date(Date.parse(expires)),
    deliveryInfo: null,
    deliveryTag: null,
  };
}

let cachedOrigin: string | undefined;
/** Celery's `anon_nodename()`: `gen<pid>@<hostname>`. */
export function defaultOrigin(): string {
  cachedOrigin ??= `gen${process.pid}@${os.hostname()}`;
  return cachedOrigin;
}

function toList(value: Signature | readonly Signature[] | null | undefined): readonly Signature[] | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value : [value as Signature];
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function checkSeconds(value: number, name: string): number {
  if (!Number.isFinite(value)) throw option(name, `must be a finite number of seconds, got ${value}`);
  return value;
}

function checkDate(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw option(name, "must be a valid Date");
  return value;
}

function option(name: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${name}: ${reason}`, { details: [{ path: `/${name}`, keyword: "option", message: reason }] });
}
