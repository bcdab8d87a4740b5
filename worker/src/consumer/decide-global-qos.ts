import type { QueueTable } from "../../../sdk/src/routing/create-queue-table.js";
import { detectQuorumQueue } from "../../../sdk/src/routing/detect-quorum-queues.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";

/** Celery's QoS choice for the task consumer. */
export interface GlobalQosDecision {
  /** The `basic.qos` global flag. */
  readonly global: boolean;
  /**
   * The first quorum queue of the queue table when `worker_detect_quorum_queues` turned global QoS off because of it
   * (Celery then logs "Global QoS is disabled. Prefetch count is now static."), else null.
   */
  readonly quorumQueue: string | null;
  /**
   * The prefetch of a running consumer cannot change: per-consumer QoS on AMQP. RabbitMQ applies a `basic.qos` with
   * `global=false` only to consumers started after it on the channel, so the ETA and pool-resize increments Celery's
   * `QoS.increment_eventually` sends reach none (Celery's "Prefetch count is now static"). Redis and memory keep their
   * limit client-side, where kombu's virtual `basic_qos` applies either flag at once.
   */
  readonly staticPrefetch: boolean;
}

/**
 * Celery 5.7's `Tasks.qos_global` (C:celery/worker/consumer/tasks.py): `not connection.qos_semantics_matches_spec`,
 * i.e. global only on RabbitMQ 3.3 to 3.x (kombu: RabbitMQ 4.0 and later, older ones, other brokers and transports
 * match the spec); and off whenever `worker_detect_quorum_queues` finds a quorum queue in the app's queue table
 * (`detect_quorum_queues`, AMQP only), consumed or not, since quorum queues refuse global QoS.
 */
export function decideGlobalQos(
  transport: Pick<Transport, "kind" | "qosSemanticsMatchesSpec">,
  table: QueueTable,
  detectQuorumQueues: boolean,
): GlobalQosDecision {
  let global = transport.kind === "amqp" && transport.qosSemanticsMatchesSpec === false;
  const quorumQueue = detectQuorumQueues ? detectQuorumQueue(table, transport.kind) : null;
  if (quorumQueue !== null) global = false;
  return { global, quorumQueue, staticPrefetch: transport.kind === "amqp" && !global };
}
