import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { queueArguments, type QueueSpec } from "../transport/queue-spec.js";

/**
 * A broker's refusal to declare a queue because it exists with other arguments (RabbitMQ's `PRECONDITION_FAILED -
 * inequivalent arg`), restated as a configuration error naming `task_queues`: the queue must be declared as the app
 * that created it declares it. Other errors are returned unchanged.
 */
export function explainQueueRefusal(error: unknown, queue: QueueSpec): unknown {
  if (!CeleryProtoError.is(error, "BrokerError") || !/inequivalent arg/.test(error.message)) return error;
  const declared = JSON.stringify(queueArguments(queue));
  return new CeleryProtoError(
    "InvalidOption",
    `task_queues: queue ${JSON.stringify(queue.name)} exists on the broker with other arguments than the configuration declares (${declared}): ${error.message}. ` +
      "Declare it as the app that created it does: use the Python app's settings (proto import-python -A <app> --config-out <file>, then --config <file>), or set its queue_arguments in task_queues",
    { cause: error },
  );
}
