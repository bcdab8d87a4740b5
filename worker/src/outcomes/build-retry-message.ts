import type { SendTaskOptions } from "../../../sdk/src/client/send-task-options.js";
import type { RetryOptions } from "../app/task-context.js";
import type { RegisteredTask } from "../app/task-registry.js";
import type { TaskRequest } from "../request/task-request.js";

/** RabbitMQ's dead-letter headers, never carried into a retry (Celery's `X_DEATH_HEADERS`). */
const X_DEATH_HEADERS: ReadonlySet<string> = new Set([
  "x-death",
  "x-first-death-exchange",
  "x-first-death-queue",
  "x-first-death-reason",
  "x-last-death-exchange",
  "x-last-death-queue",
  "x-last-death-reason",
]);

export interface RetryMessage {
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly options: SendTaskOptions;
}

/**
 * The message `Task.retry()` publishes, by Celery 5.7's `signature_from_request` + `apply_async` + `send_task`
 * (C:celery/app/task.py): the same id, args/kwargs (unless overridden), `retries + 1`; `countdown` (default
 * `default_retry_delay`) unless an `eta` is given; and from the request `root_id`, `parent_id` (the request's, or
 * its own id as `send_task` fills it from the running task), `group`/`group_index`, `shadow`, `chord`, `chain`,
 * `link`, `link_error`, the original `expires` text, the time limits, the custom headers minus `x-death*`,
 * `reply_to`, `replaced_task_nesting`, `origin`, the stamps, the effective `ignore_result`, the delivery priority;
 * routed to `options.queue`, else to the delivery's routing key when it came through the default exchange, else to
 * the delivery's exchange and routing key.
 */
export function buildRetryMessage(
  request: TaskRequest,
  task: RegisteredTask,
  retry: RetryOptions,
  ignoreResult: boolean,
  /** Sent by the worker outside any task (`_retry_worker_lost`): the request's own root and parent, unfilled. */
  outsideTask = false,
): RetryMessage {
  const [hardLimit, softLimit] = request.timeLimit;
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.headers)) if (!X_DEATH_HEADERS.has(key)) headers[key] = value;
  const stamped = request.stampedHeaders;
  const stamps = stamped.length > 0 ? Object.fromEntries(Object.entries(request.stamps).filter(([key]) => stamped.includes(key))) : {};
  const shadow = request.message.headers.shadow;
  const expires = request.message.headers.expires;
  const delivery = request.deliveryInfo;
  const priority = retry.priority ?? delivery?.priority ?? undefined;
  const routing: Pick<SendTaskOptions, "queue" | "exchange" | "routingKey"> =
    retry.queue !== undefined && retry.queue !== ""
      ? { queue: retry.queue }
      : delivery === null
        ? {}
        : delivery.exchange === "" && delivery.routingKey !== ""
          ? { queue: delivery.routingKey }
          : { exchange: delivery.exchange, routingKey: delivery.routingKey };
  const timing: Pick<SendTaskOptions, "countdown" | "eta"> =
    retry.eta !== undefined
      ? { eta: retry.eta, ...(retry.countdown === undefined ? {} : { countdown: retry.countdown }) }
      : { countdown: retry.countdown ?? task.options.defaultRetryDelay };
  const options: SendTaskOptions = {
    id: request.id,
    rootId: outsideTask ? request.rootId : request.rootId || request.id,
    parentId: outsideTask ? request.parentId : request.parentId || request.id,
    groupId: request.groupId,
    groupIndex: request.groupIndex,
    shadow: typeof shadow === "string" && shadow !== "" ? shadow : null,
    chord: request.chord,
    chain: request.chain,
    link: request.callbacks,
    linkError: request.errbacks,
    ...(typeof expires === "string" && expires !== "" ? { expires } : {}),
    timeLimit: hardLimit,
    softTimeLimit: softLimit,
    headers,
    retries: request.retries + 1,
    ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    replacedTaskNesting: request.replacedTaskNesting,
    ...(request.origin ? { origin: request.origin } : {}),
    ...(Object.keys(stamps).length > 0 ? { stamps } : {}),
    ignoreResult,
    ...timing,
    ...(priority === null || priority === undefined ? {} : { priority }),
    ...routing,
  };
  return { args: retry.args ?? request.args, kwargs: retry.kwargs ?? request.kwargs, options };
}
