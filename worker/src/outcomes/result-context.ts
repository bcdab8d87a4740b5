import type { Signature } from "../../../sdk/src/gen/json-schema/types.js";
import type { TaskRequest } from "../request/task-request.js";

/**
 * What a result backend reads from the request it is given (Celery passes `request=` to `store_result` and
 * `on_chord_part_return`): the meta's `group_id`/`parent_id`, the `result_extended` fields, the RPC reply address,
 * and the chord coordinates. Built from a real request, from a remaining chain element (`_fail_chain`'s fake
 * `Context`), or from the unknown-task `Bunch`, each the way Celery builds it.
 */
export interface ResultContext {
  /** The task id the request stands for (the chord part's id). */
  readonly id: string;
  readonly groupId: string | null;
  readonly groupIndex: number | null;
  readonly parentId: string | null;
  /** `result_extended` `name` (Celery reads `request.task`). */
  readonly task: string | null;
  readonly args: readonly unknown[] | null;
  readonly kwargs: Readonly<Record<string, unknown>> | null;
  /** `result_extended` `worker`. */
  readonly hostname: string | null;
  readonly retries: number | null;
  /** `result_extended` `queue`: `delivery_info.routing_key`. */
  readonly queue: string | null;
  readonly stamps: Readonly<Record<string, unknown>> | null;
  readonly stampedHeaders: readonly string[] | null;
  /** RPC: where the result goes (`reply_to`), and its correlation id (default: the task id). */
  readonly replyTo: string | null;
  readonly correlationId: string | null;
  /** The chord body when this is a chord header member. */
  readonly chord: Signature | null;
}

/** The context of a task request (Celery's worker `Context`). */
export function createRequestContext(request: TaskRequest): ResultContext {
  return {
    id: request.id,
    groupId: request.groupId,
    groupIndex: request.groupIndex,
    parentId: request.parentId,
    task: request.task,
    args: request.args,
    kwargs: request.kwargs,
    hostname: request.hostname,
    retries: request.retries,
    queue: request.deliveryInfo?.routingKey ?? null,
    stamps: request.stamps,
    stampedHeaders: request.stampedHeaders,
    replyTo: request.replyTo,
    correlationId: request.correlationId,
    chord: request.chord,
  };
}

/**
 * `_fail_chain`'s `Context(chain_elem)` updated with the element's options: the id is `options.task_id`, the group
 * `options.group_id`; `name`/`args`/`kwargs` come from the signature dict itself, `retries` defaults to 0 and there is
 * no worker, queue or stamps (C:celery/backends/base.py `_fail_chain`).
 */
export function createChainElementContext(sig: Signature, taskId: string): ResultContext {
  const options = sig.options ?? {};
  const text = (key: string): string | null => (typeof options[key] === "string" && options[key] !== "" ? (options[key] as string) : null);
  const groupIndex = options["group_index"];
  const retries = options["retries"];
  const chord = options["chord"];
  return {
    id: taskId,
    groupId: text("group_id"),
    groupIndex: typeof groupIndex === "number" ? groupIndex : null,
    parentId: text("parent_id"),
    task: sig.task,
    args: sig.args ?? [],
    kwargs: sig.kwargs ?? {},
    hostname: text("hostname"),
    retries: typeof retries === "number" ? retries : 0,
    queue: null,
    stamps: null,
    stampedHeaders: null,
    replyTo: text("reply_to"),
    correlationId: text("correlation_id"),
    chord: chord !== null && typeof chord === "object" && !Array.isArray(chord) ? (chord as Signature) : null,
  };
}

/**
 * The consumer's `Bunch(name, chord=None, root_id, correlation_id, reply_to, errbacks=None)` for an unknown task:
 * it has no `task`, `args`, `group`... attributes, so the extended fields are all null.
 */
export function createUnknownTaskContext(request: TaskRequest): ResultContext {
  return {
    id: request.id,
    groupId: null,
    groupIndex: null,
    parentId: null,
    task: null,
    args: null,
    kwargs: null,
    hostname: null,
    retries: null,
    queue: null,
    stamps: null,
    stampedHeaders: null,
    replyTo: request.replyTo,
    correlationId: request.correlationId,
    chord: null,
  };
}
