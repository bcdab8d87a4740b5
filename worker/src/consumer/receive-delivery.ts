import type { DecodeOptions } from "../../../sdk/src/codec/task/raw-task-parts.js";
import type { MessageVerifier } from "../../../sdk/src/security/message-signing.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { decodeTaskMessage } from "../../../sdk/src/codec/task/decode-task-message.js";
import type { TaskMessage } from "../../../sdk/src/codec/task/task-message.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { RegisteredTask, TaskRegistry } from "../app/task-registry.js";
import type { ErrorCode } from "../../../sdk/src/errors/error-code.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import type { RefusalKind } from "../lifecycle/worker-event-map.js";
import { TASK_LOG } from "../logging/task-log-messages.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder } from "../outcomes/outcome-recorder.js";
import { buildTaskRequest } from "../request/build-task-request.js";
import { headerOnlyMessage } from "../request/header-only-message.js";
import type { TaskRequest } from "../request/task-request.js";
import { classifyRefusal } from "./classify-refusal.js";
import { dumpBody, reportMessage } from "../logging/dump-message.js";
import type { TrackedDelivery } from "./queue-consumers.js";

export interface ReceiveContext {
  readonly registry: TaskRegistry;
  readonly outcomes: OutcomeRecorder;
  readonly events: EventDispatcher;
  readonly logger: WorkerLogger;
  readonly hostname: string;
  readonly accept: readonly string[];
  /** Verifies signed (`auth`) messages; null when `auth` is not accepted. */
  readonly verifier?: MessageVerifier | null;
  /** `message:refused` listeners. */
  readonly lifecycle?: WorkerEventEmitter;
}

/** A delivery that is a runnable task message. */
export interface ReceivedTask {
  readonly request: TaskRequest;
  readonly task: RegisteredTask;
}

/**
 * Turns a delivery into a request for a registered task, or refuses it exactly as Celery's consumer does (§10.1):
 * headers not a mapping / no task → warning + reject; undecodable → critical + **ack**; protocol violations and
 * refused content types → error + reject; unknown task → error + reject + FAILURE `NotRegistered` + `task-failed`.
 * Every refusal is logged with its code and reason, then emitted as `message:refused`. Resolves with null when the
 * message was refused (and settled).
 */
export async function receiveDelivery(ctx: ReceiveContext, delivery: TrackedDelivery): Promise<ReceivedTask | null> {
  const parts = delivery.message;
  const headers = parts.headers ?? {};
  if (!isMapping(headers)) {
    const reason = `InvalidHeaders: task headers must be a mapping, got ${typeName(headers)}`;
    ctx.logger.warning(`${TASK_LOG.unknownMessage(reportMessage(parts))}\n${reason}`);
    await settle(ctx, delivery, false);
    emitRefused(ctx, delivery, "unknown-message", "InvalidHeaders", reason, false);
    return null;
  }
  const taskHeader = headers["task"];
  const hasTaskHeader = "task" in headers;
  // Protocol 2: Celery looks the task up by header before it decodes the body.
  if (typeof taskHeader === "string" && !ctx.registry.has(taskHeader) && typeof headers["id"] === "string") {
    let message: TaskMessage;
    try {
      message = decodeTaskMessage(parts, decodeOptions(ctx));
    } catch {
      message = headerOnlyMessage(headers, parts.properties, parts.deliveryInfo, parts.deliveryTag);
    }
    await refuseUnknownTask(ctx, delivery, buildTaskRequest(message, ctx.hostname));
    return null;
  }
  let message: TaskMessage;
  try {
    message = decodeTaskMessage(parts, decodeOptions(ctx));
  } catch (e) {
    const error = CeleryProtoError.from(e, "InvalidMessage");
    const reason = error.describe();
    const kind = classifyRefusal(error.code, hasTaskHeader);
    switch (kind) {
      case "unknown-message":
        ctx.logger.warning(`${TASK_LOG.unknownMessage(reportMessage(parts))}\n${reason}`);
        await settle(ctx, delivery, false);
        break;
      case "decode-error":
        ctx.logger.critical(
          TASK_LOG.decodeError(
            reason,
            safeRepr(parts.properties["content_type"] ?? null),
            safeRepr(parts.properties["content_encoding"] ?? null),
            safeRepr(headers),
            dumpBody(parts),
          ),
        );
        await settle(ctx, delivery, true);
        break;
      case "invalid-task":
        ctx.logger.error(TASK_LOG.invalidTask(reason, dumpBody(parts)));
        await settle(ctx, delivery, false);
        break;
    }
    emitRefused(ctx, delivery, kind, error.code, reason, kind === "decode-error");
    return null;
  }
  const request = buildTaskRequest(message, ctx.hostname);
  const task = ctx.registry.get(request.task);
  if (task === undefined) {
    await refuseUnknownTask(ctx, delivery, request);
    return null;
  }
  return { request, task };
}

/** Celery's `on_unknown_task`: error log, reject(requeue=False), FAILURE `NotRegistered(name)`, `task-failed`. */
async function refuseUnknownTask(ctx: ReceiveContext, delivery: TrackedDelivery, request: TaskRequest): Promise<void> {
  const reason = `UnknownTask: no handler is registered for ${JSON.stringify(request.task)}`;
  ctx.logger.error(`${TASK_LOG.unknownTask(request.task, dumpBody(delivery.message))}\n${reason}`);
  await settle(ctx, delivery, false);
  try {
    await ctx.outcomes.notRegistered(request);
  } catch (e) {
    ctx.logger.error(`Couldn't store NotRegistered for ${request.task}[${request.id}]`, e);
  }
  ctx.events.send("task-failed", { uuid: request.id, exception: `NotRegistered(${safeRepr(request.task)})` });
  emitRefused(ctx, delivery, "unknown-task", "UnknownTask", reason, false, request);
}

/** `message:refused`, with the task's id and name from the request when known, else from the headers. */
function emitRefused(
  ctx: ReceiveContext,
  delivery: TrackedDelivery,
  kind: RefusalKind,
  code: ErrorCode,
  reason: string,
  acked: boolean,
  request?: TaskRequest,
): void {
  const lifecycle = ctx.lifecycle;
  if (lifecycle === undefined || !lifecycle.has("message:refused")) return;
  const headers = delivery.message.headers;
  const header = (name: "id" | "task"): string | null => {
    const value = request !== undefined ? request[name] : isMapping(headers) ? headers[name] : undefined;
    return typeof value === "string" ? value : null;
  };
  lifecycle.emit("message:refused", {
    kind,
    code,
    reason,
    queue: delivery.queue,
    message: delivery.message,
    taskId: header("id"),
    taskName: header("task"),
    acked,
  });
}

/** ack (drop for good) or reject without requeue; a settle failure is logged. */
async function settle(ctx: ReceiveContext, delivery: TrackedDelivery, ack: boolean): Promise<void> {
  try {
    await (ack ? delivery.ack() : delivery.reject(false));
  } catch (e) {
    ctx.logger.error(`Couldn't ${ack ? "ack" : "reject"} a refused message from ${delivery.queue}`, e);
  }
}

function decodeOptions(ctx: ReceiveContext): DecodeOptions {
  return ctx.verifier === null || ctx.verifier === undefined ? { accept: ctx.accept } : { accept: ctx.accept, verifier: ctx.verifier };
}

function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}
