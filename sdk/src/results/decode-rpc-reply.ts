import { decodeMessageBody } from "../codec/message/decode-message-body.js";
import { EXCEPTION_STATES } from "../codec/result/decode-result-meta.js";
import { resultForSchemaCheck } from "../codec/result/result-for-schema-check.js";
import type { RawTaskParts } from "../codec/task/raw-task-parts.js";
import { assertValid } from "../codec/validate/assert-valid.js";
import type { ResultMeta } from "../gen/json-schema/types.js";
import { validateExceptionInfo, validateRpcResultReply } from "../gen/json-schema/result-validators.js";

/** One decoded RPC result message: the task it is about and its meta. */
export interface RpcReply {
  /** The `correlation_id` property (Celery sets it to the task id), else the body's `task_id`. */
  readonly taskId: string;
  readonly meta: ResultMeta;
}

/**
 * Decodes a reply the RPC backend's worker side published (C:celery/backends/rpc.py `store_result`): content type
 * checked against `accept`, body checked against the `RpcResultReply` schema (and the exception dict of exception
 * states), kombu type wrappers decoded.
 */
export function decodeRpcReply(message: RawTaskParts, accept: readonly string[]): RpcReply {
  const body = decodeMessageBody(message, { accept });
  assertValid(validateRpcResultReply, resultForSchemaCheck(body.raw), "InvalidMessage", "RPC result reply");
  const raw = body.raw as { status: string; result?: unknown };
  if (EXCEPTION_STATES.has(raw.status) && raw.result !== null && raw.result !== undefined) {
    assertValid(validateExceptionInfo, raw.result, "InvalidMessage", `${raw.status} result`, "/result");
  }
  const meta = body.value as ResultMeta;
  const correlationId = message.properties["correlation_id"];
  const taskId = typeof correlationId === "string" && correlationId !== "" ? correlationId : meta.task_id;
  return { taskId, meta: meta.task_id === undefined ? { ...meta, task_id: taskId } : meta };
}
