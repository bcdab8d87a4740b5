import type { CelerySettings } from "../../../sdk/src/config/celery-settings.js";
import { createQueueTable } from "../../../sdk/src/routing/create-queue-table.js";
import { toRoutingSettings } from "../../../sdk/src/routing/to-routing-settings.js";
import { brokerFamily } from "../../../sdk/src/transport/broker-scheme.js";
import { queueArguments } from "../../../sdk/src/transport/queue-spec.js";

/**
 * The run's `queue_type` feature: how the run's configuration declares the peer's queue (`task_queues`, else a
 * missing queue's `task_create_missing_queue_type`) — `quorum` only on RabbitMQ, `classic` otherwise. A queue the
 * configuration refuses to create (`task_create_missing_queues` off) counts as classic: sending to it fails the
 * cases with the configuration's own message.
 */
export function runQueueType(settings: CelerySettings, peerQueue: string, brokerUrl: string): "classic" | "quorum" {
  if (brokerFamily(brokerUrl) !== "amqp") return "classic";
  const table = createQueueTable(toRoutingSettings(settings));
  let queue = table.find(peerQueue);
  if (queue === undefined) {
    try {
      queue = table.get(peerQueue);
    } catch {
      return "classic";
    }
  }
  return queueArguments(queue)["x-queue-type"] === "quorum" ? "quorum" : "classic";
}
