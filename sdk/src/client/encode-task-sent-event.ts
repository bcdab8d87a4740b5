import type { AmqpPublish } from "../codec/amqp/encode-amqp-publish.js";
import { encodeMessagePublish } from "../codec/message/encode-message-publish.js";
import { PyFloat } from "../codec/json/python-values.js";
import type { TaskMessage } from "../codec/task/task-message.js";
import { defaultOrigin } from "../codec/task/create-task-message.js";

/** Celery's event exchange (`event_exchange`): topic on AMQP, fanout on Redis. */
export const EVENT_EXCHANGE = "celeryev";

/**
 * The `task-sent` event Celery publishes when `task_send_sent_event` is on (C:celery/app/amqp.py): routing key
 * `task.sent`, headers `{hostname}`, transient, body with the common event fields.
 */
export function encodeTaskSentEvent(
  message: TaskMessage,
  where: { readonly queue: string | null; readonly exchange: string; readonly routingKey: string; readonly clock: number },
): AmqpPublish {
  const hostname = defaultOrigin();
  const h = message.headers;
  const body = {
    hostname,
    utcoffset: new PyFloat(pythonUtcOffset()), // Celery 5.7 writes a float (0.0); 5.3 wrote an int
    pid: process.pid,
    clock: where.clock,
    uuid: h.id,
    root_id: h.root_id ?? null,
    parent_id: h.parent_id ?? null,
    name: h.task,
    args: h.argsrepr ?? null,
    kwargs: h.kwargsrepr ?? null,
    retries: h.retries ?? 0,
    eta: h.eta ?? null,
    expires: h.expires ?? null,
    queue: where.queue,
    exchange: where.exchange,
    routing_key: where.routingKey,
    timestamp: new PyFloat(Date.now() / 1000),
    type: "task-sent",
  };
  return encodeMessagePublish(body, { exchange: EVENT_EXCHANGE, routingKey: "task.sent", headers: { hostname }, deliveryMode: 1 });
}

/** Python's `utcoffset()` convention in hours: west of UTC is positive (time.timezone // 3600). */
export function pythonUtcOffset(now: Date = new Date()): number {
  return Math.floor(now.getTimezoneOffset() / 60);
}
