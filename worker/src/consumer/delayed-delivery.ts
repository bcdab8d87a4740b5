import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { QueueTable } from "../../../sdk/src/routing/create-queue-table.js";
import { detectQuorumQueue } from "../../../sdk/src/routing/detect-quorum-queues.js";
import {
  type DelayedDeliveryDeclaration,
  delayedDeliveryBindings,
  nativeDelayedDeliveryTopology,
} from "../../../sdk/src/transport/amqp/native-delayed-delivery.js";
import { queueExchange, type ExchangeSpec, type QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import { reprString } from "../control/python-repr.js";
import type { WorkerLogger } from "../logging/worker-logger.js";

/** Celery's `MAX_RETRIES`: retries after the first attempt, on connection errors only. */
export const DELAYED_DELIVERY_MAX_RETRIES = 3;
/** Celery's `RETRY_INTERVAL` (1 s), in ms. */
export const DELAYED_DELIVERY_RETRY_INTERVAL_MS = 1000;

const VALID_QUEUE_TYPES = ["classic", "quorum"] as const;

/** What the DelayedDelivery step works with. */
export interface DelayedDeliveryContext {
  readonly transport: Transport;
  /** The app's queue table (`app.amqp.queues`): every queue in it is bound, consumed or not. */
  readonly table: QueueTable;
  /** `broker_native_delayed_delivery_queue_type` as configured. */
  readonly queueType: unknown;
  /** The broker as the log lines name it (password masked). */
  readonly brokerDisplay: string;
  readonly logger: WorkerLogger;
  /** Default {@link DELAYED_DELIVERY_RETRY_INTERVAL_MS}. */
  readonly retryIntervalMs?: number;
  /** Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Celery 5.7's `DelayedDelivery.include_if` (C:celery/worker/consumer/delayed_delivery.py): the step runs on AMQP when
 * the app's queue table has a quorum queue (`detect_quorum_queues`). Unlike the QoS choice it does not look at
 * `worker_detect_quorum_queues`.
 */
export function includeDelayedDelivery(transport: Pick<Transport, "kind">, table: QueueTable): boolean {
  return detectQuorumQueue(table, transport.kind) !== null;
}

/** Celery's `_validate_queue_type`: `InvalidOption` with Celery's `ValueError` message for anything but classic/quorum. */
export function validateDelayedDeliveryQueueType(queueType: unknown): "classic" | "quorum" {
  if (queueType === null || queueType === undefined || queueType === "") {
    throw new CeleryProtoError("InvalidOption", "broker_native_delayed_delivery_queue_type is not configured");
  }
  if (!VALID_QUEUE_TYPES.includes(queueType as "classic")) {
    throw new CeleryProtoError(
      "InvalidOption",
      `Invalid queue type ${typeof queueType === "string" ? reprString(queueType) : String(queueType)}. Must be one of: ${VALID_QUEUE_TYPES.join(", ")}`,
    );
  }
  return queueType as "classic" | "quorum";
}

/**
 * Celery 5.7's `DelayedDelivery.start`: validates `broker_native_delayed_delivery_queue_type` (logged critical and
 * thrown: the worker does not start, as Celery's does not), then declares kombu's 28-level native delayed delivery
 * topology with that queue type and binds every queue of the queue table to it
 * (`bind_queue_to_native_delayed_delivery_exchange`). A connection error is retried 3 times, 1 s apart; any other
 * failure, or the last connection error, is logged with Celery's warnings and a critical line, and the worker goes on
 * without native delayed delivery. Resolves true once set up.
 *
 * Celery sets up every URL of a `;`-separated `broker_url`, each on a connection of its own. Our transport is
 * connected to one of them at a time: this declares on that one, and the transport replays the declarations and
 * bindings on every reconnection, to whichever alternate it reaches (Celery re-runs the step on each consumer
 * restart).
 */
export async function startDelayedDelivery(context: DelayedDeliveryContext): Promise<boolean> {
  const { logger } = context;
  let queueType: "classic" | "quorum";
  try {
    queueType = validateDelayedDeliveryQueueType(context.queueType);
  } catch (e) {
    logger.critical(`Configuration validation failed: ${messageOf(e)}`);
    throw e;
  }
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = context.retryIntervalMs ?? DELAYED_DELIVERY_RETRY_INTERVAL_MS;
  const broker = reprString(context.brokerDisplay);
  // kombu's retry_over_time(max_retries=3, interval_start=1): the first attempt and up to 3 retries.
  for (let retries = 0; ; retries++) {
    try {
      await setUp(context, queueType, broker);
      return true;
    } catch (e) {
      if (isConnectionError(e) && retries < DELAYED_DELIVERY_MAX_RETRIES) {
        logger.warning(
          `Retrying delayed delivery setup (attempt ${retries + 1}/${DELAYED_DELIVERY_MAX_RETRIES}) after error: ${messageOf(e)}. ` +
            `Sleeping ${(interval / 1000).toFixed(2)} seconds.`,
        );
        await sleep(interval);
        continue;
      }
      logger.warning(`Failed to setup delayed delivery for ${broker}: ${messageOf(e)}`);
      logger.critical("Failed to setup delayed delivery for all broker URLs. Native delayed delivery will not be available.");
      return false;
    }
  }
}

/** Celery's `_setup_delayed_delivery` for the connected broker. */
async function setUp(context: DelayedDeliveryContext, queueType: "classic" | "quorum", broker: string): Promise<void> {
  const { logger, transport } = context;
  logger.debug(`Setting up delayed delivery for broker ${broker} with queue type ${reprString(queueType)}`);
  try {
    for (const declaration of nativeDelayedDeliveryTopology(queueType)) await declare(transport, declaration);
  } catch (e) {
    logger.warning(`Failed to declare exchanges and queues for ${broker}: ${messageOf(e)}`);
    throw e;
  }
  try {
    await bindQueues(context);
  } catch (e) {
    logger.warning(`Failed to bind queues for ${broker}: ${messageOf(e)}`);
    throw e;
  }
}

/**
 * Celery's `_bind_queues`: every queue of `app.amqp.queues` (the table holds `task_queues`, or the default queue, and
 * the queues `-Q` created; it never holds a kombu `Broadcast`, which Celery skips). A connection error stops at once
 * (to be retried); other failures are logged per queue and reported together afterwards.
 */
async function bindQueues(context: DelayedDeliveryContext): Promise<void> {
  const { logger } = context;
  const queues = context.table.list();
  if (queues.length === 0) {
    logger.warning("No queues found to bind for delayed delivery");
    return;
  }
  const failures: unknown[] = [];
  for (const queue of queues) {
    try {
      logger.debug(`Binding queue ${reprString(queue.name)} to delayed delivery exchange`);
      await bindQueue(context, queue);
    } catch (e) {
      logger.error(`Failed to bind queue ${reprString(queue.name)}: ${messageOf(e)}`);
      if (isConnectionError(e)) throw e;
      failures.push(e);
    }
  }
  if (failures.length > 0) {
    // Python's str(ExceptionGroup(...)).
    const count = `${failures.length} sub-exception${failures.length === 1 ? "" : "s"}`;
    throw new CeleryProtoError("BrokerError", `One or more failures occurred while binding queues to delayed delivery exchanges (${count})`, {
      cause: failures[0],
    });
  }
}

/**
 * kombu's `bind_queue_to_native_delayed_delivery_exchange`: the queue's exchange and routing key when it has an
 * exchange, else each of its `bindings` (a queue with bindings has none: kombu binds a copy of the queue, which drops
 * the default exchange Celery's table gave it); a direct exchange is skipped with kombu's warning.
 */
async function bindQueue(context: DelayedDeliveryContext, queue: QueueSpec): Promise<void> {
  const exchange = queueExchange(queue);
  const bindings: readonly { readonly exchange: ExchangeSpec; readonly routingKey: string }[] =
    exchange !== null
      ? [{ exchange, routingKey: queue.routingKey ?? queue.name }]
      : (queue.bindings ?? []).map((b) => ({ exchange: b.exchange, routingKey: b.routingKey ?? "" }));
  for (const binding of bindings) {
    const declarations = delayedDeliveryBindings({
      queue: queue.name,
      exchange: binding.exchange.name,
      exchangeType: binding.exchange.type,
      routingKey: binding.routingKey,
    });
    if (declarations === null) {
      context.logger.warning(
        `Exchange ${binding.exchange.name} is a direct exchange and native delayed delivery do not support direct exchanges.\n` +
          "ETA tasks published to this exchange will block the worker until the ETA arrives.",
      );
      continue;
    }
    for (const declaration of declarations) await declare(context.transport, declaration);
  }
}

/** One step of the topology on the transport: kombu's `Exchange(name, type="topic")` and `Queue(name, queue_arguments=...)`. */
async function declare(transport: Transport, declaration: DelayedDeliveryDeclaration): Promise<void> {
  switch (declaration.kind) {
    case "exchange":
      return transport.declareExchange({ name: declaration.name, type: declaration.type });
    case "queue":
      return transport.declareQueue({ name: declaration.name, exchange: null, arguments: declaration.arguments });
    case "queue-binding":
      if (transport.declareQueueBinding === undefined) throw cannotBind(transport);
      return transport.declareQueueBinding({ queue: declaration.queue, exchange: declaration.exchange, routingKey: declaration.routingKey });
    case "exchange-binding":
      if (transport.declareExchangeBinding === undefined) throw cannotBind(transport);
      return transport.declareExchangeBinding({
        destination: declaration.destination,
        source: declaration.source,
        routingKey: declaration.routingKey,
      });
  }
}

function cannotBind(transport: Transport): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `the ${transport.kind} transport cannot declare bindings (declareQueueBinding/declareExchangeBinding)`);
}

/** Celery retries `ConnectionRefusedError` and `OSError`: here a lost or unreachable connection, or a timeout. */
function isConnectionError(error: unknown): boolean {
  if (CeleryProtoError.is(error)) return error.code === "TransportClosed" || error.code === "Timeout";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
