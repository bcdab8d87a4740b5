import type { WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { reprException } from "../logging/repr-exception.js";
import { TASK_LOG } from "../logging/task-log-messages.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { OutcomeRecorder, StoredSuccessCheck } from "../outcomes/outcome-recorder.js";
import type { HeldEntry } from "./held-entry.js";
import { ackEntry, rejectEntry } from "./settle-delivery.js";

export interface DeduplicateContext {
  readonly state: WorkerState;
  readonly outcomes: OutcomeRecorder;
  readonly events: EventDispatcher;
  readonly logger: WorkerLogger;
}

/**
 * `worker_deduplicate_successful_tasks` for one accepted-to-run request (C:celery/app/trace.py `build_tracer`, then
 * C:celery/worker/request.py `on_success`). Only an acks_late task whose delivery is `redelivered` is checked:
 * - its id is among the ids that succeeded in this worker (`state.successful`): not run, nothing logged;
 * - else the result backend holds SUCCESS for it: `Task <name>[<id>] Task already completed successfully.` (INFO),
 *   the callbacks and chain step the first run did not apply are applied with the stored result, the id is added to
 *   `state.successful`, and it is not run;
 * - else (another state, none, a backend that is not persistent, or a lookup that failed) it runs.
 * A request that is not run goes on as a success with nothing stored: `accept` is called, the message is acked and
 * `task-succeeded` is sent with `result` and `runtime` None, as Celery does. When applying its callbacks fails, the
 * message is requeued (Celery's `Reject(requeue=True)`).
 *
 * Resolves true when the request was settled here (not to be run).
 */
export async function deduplicateRedelivery(ctx: DeduplicateContext, entry: HeldEntry, accept: () => void): Promise<boolean> {
  const { request, task } = entry;
  if (!task.options.acksLate || request.deliveryInfo?.redelivered !== true) return false;
  if (ctx.state.successful.has(request.id)) {
    accept();
    settleAsSucceeded(ctx, entry);
    return true;
  }
  let check: StoredSuccessCheck;
  try {
    check = (await ctx.outcomes.checkStoredSuccess?.(request)) ?? { kind: "not-persistent" };
  } catch (error) {
    // SUCCESS was stored; applying the callbacks or the chain step failed.
    ctx.logger.info(TASK_LOG.alreadySucceeded(request.name, request.id));
    ctx.logger.error(TASK_LOG.deduplicatedDispatchFailed(request.id), error);
    accept();
    await rejectEntry(entry, true, ctx.events, ctx.logger);
    return true;
  }
  switch (check.kind) {
    case "not-persistent":
    case "not-succeeded":
      return false;
    case "lookup-failed":
      ctx.logger.warning(
        `Task ${request.name}[${request.id}] was redelivered and its state could not be read from the result backend ` +
          `(worker_deduplicate_successful_tasks): running it again: ${reprException(check.error)}`,
      );
      return false;
    case "succeeded":
      ctx.logger.info(TASK_LOG.alreadySucceeded(request.name, request.id));
      ctx.state.successful.add(request.id);
      accept();
      settleAsSucceeded(ctx, entry);
      return true;
  }
}

/** `Request.on_success` for a trace that returned without running: `task_ready`, ack, `task-succeeded` (None, None). */
function settleAsSucceeded(ctx: DeduplicateContext, entry: HeldEntry): void {
  ctx.state.successful.add(entry.request.id);
  void ackEntry(entry, ctx.logger);
  if (ctx.events.enabled) ctx.events.send("task-succeeded", { uuid: entry.request.id, result: null, runtime: null });
}
