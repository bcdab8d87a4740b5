import type { EventDispatcher } from "../events/event-dispatcher.js";
import { taskEventBase } from "../lifecycle/task-event-base.js";
import type { WorkerEventEmitter } from "../lifecycle/worker-event-emitter.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { HeldEntry } from "./held-entry.js";

/** Celery's `Request.acknowledge`: acks once; a failed ack (connection gone) is logged, the broker redelivers. */
export async function ackEntry(entry: HeldEntry, logger: WorkerLogger): Promise<void> {
  if (entry.held.acknowledged) return;
  entry.held.acknowledged = true;
  try {
    await entry.delivery.ack();
  } catch (e) {
    logger.error(`Couldn't ack ${entry.request.name}[${entry.request.id}]: the broker will deliver it again`, e);
  }
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
  try {
    await entry.delivery.reject(requeue);
  } catch (e) {
    logger.error(`Couldn't reject ${entry.request.name}[${entry.request.id}] (requeue=${requeue})`, e);
  }
  events.send("task-rejected", { uuid: entry.request.id, requeue });
  if (lifecycle?.has("task:rejected")) lifecycle.emit("task:rejected", { ...taskEventBase(entry), requeue });
}
