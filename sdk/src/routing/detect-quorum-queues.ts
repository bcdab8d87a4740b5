import type { QueueTable } from "./create-queue-table.js";
import { queueArguments } from "../transport/queue-spec.js";

/**
 * Celery's `detect_quorum_queues` (C:celery/utils/quorum_queues.py): on RabbitMQ (`amqp`) only, the name of the first
 * queue in the app's queue table declared with `x-queue-type: quorum`, or null. Celery turns native delayed delivery
 * on (producer and worker) and global QoS off when there is one.
 */
export function detectQuorumQueue(table: QueueTable, transportKind: "amqp" | "redis" | "memory"): string | null {
  if (transportKind !== "amqp") return null;
  for (const queue of table.list()) {
    if (queueArguments(queue)["x-queue-type"] === "quorum") return queue.name;
  }
  return null;
}
