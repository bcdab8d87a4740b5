import type { EventDispatcher } from "../events/event-dispatcher.js";
import { taskEventBase } from "../lifecycle/task-event-base.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { HeldEntry } from "./held-entry.js";

/**
 * Celery's `Request.acknowledge`: acks once, now. Resolves (also kept as `entry.settling`) when the broker has it; a
 * failed ack (connection gone) is logged, the broker redelivers. Callers that only need the ack sent after what they
 * stored (acks_late) do not wait for it: the message stays unacked on the broker until the ack lands, so a crash
 * before that redelivers it.
 */
export function ackEntry(entry: HeldEntry, logger: WorkerLogger): Promise<void> {
  if (entry.held.acknowledged) return entry.settling ?? Promise.resolve();
  entry.held.acknowledged = true;
  entry.settling = entry.delivery
    .ack()
    .catch((e: unknown) => logger.error(`Couldn't ack ${entry.request.name}[${entry.request.id}]: the broker will deliver it again`, e));
  return entry.settling;
}

/** Celery's `Request.reject`: rejects once (requeue or drop), sends `task-rejected` and emits `task:rejected`. */
export async function rejectEntry(
  entry: HeldEntry,
  requeue: boolean,
  events: EventDispatcher,
  logger: WorkerLogger,
  lifecycle?: WorkerEventEmitter,
): Promise<void> {
  if (entry.held.acknowledged) return;
  entry.held.acknowledged = true;
  entry.settling = entry.delivery
    .reject(requeue)
    .catch((e: unknown) => logger.error(`Couldn't reject ${entry.request.name}[${entry.request.id}] (requeue=${requeue})`, e));
  await entry.settling;
  events.send("task-rejected", { uuid: entry.request.id, requeue });
  if (lifecycle?.has("task:rejected")) lifecycle.emit("task:rejected", { ...taskEventBase(entry), requeue });
}
