import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ExchangeSpec, QueueSpec } from "../transport/queue-spec.js";

/**
 * The broker entities of kombu's pidbox `Mailbox` as Celery 5.7 configures it (K:kombu/pidbox.py,
 * C:celery/app/control.py `Control.__init__`, C:celery/app/defaults.py `control_*`). Workers and clients must
 * declare them with exactly these flags: RabbitMQ refuses a redeclaration with different ones.
 */
export interface MailboxSettings {
  /** `control_exchange`. Default "celery" (exchanges `celery.pidbox`, `reply.celery.pidbox`). */
  readonly controlExchange: string;
  /** `control_queue_ttl` in seconds (`x-message-ttl`, on node and reply queues). Default 300. */
  readonly queueTtlSeconds: number | null;
  /** `control_queue_expires` in seconds (`x-expires`, on node and reply queues). Default 10. */
  readonly queueExpiresSeconds: number | null;
  /** `control_queue_exclusive`. Default true since Celery 5.6 (kombu 5.6 `Mailbox(queue_exclusive=True)`); 5.5 and older: false. */
  readonly queueExclusive: boolean;
  /** `control_queue_durable`. Default false. */
  readonly queueDurable: boolean;
}

/** Celery 5.7's defaults. */
export const DEFAULT_MAILBOX_SETTINGS: MailboxSettings = Object.freeze({
  controlExchange: "celery",
  queueTtlSeconds: 300,
  queueExpiresSeconds: 10,
  queueExclusive: true,
  queueDurable: false,
});

/**
 * The `control_*` settings of an app's configuration (Celery's names), as the mailbox takes them. Refuses
 * `control_queue_durable` with `control_queue_exclusive` as Celery 5.7's `Control.__init__` does (InvalidOption).
 */
export function mailboxSettingsOf(settings: {
  readonly control_exchange: string;
  readonly control_queue_ttl: number;
  readonly control_queue_expires: number;
  readonly control_queue_exclusive: boolean;
  readonly control_queue_durable: boolean;
}): Partial<MailboxSettings> {
  if (settings.control_queue_durable && settings.control_queue_exclusive)
    throw new CeleryProtoError(
      "InvalidOption",
      "control_queue_durable and control_queue_exclusive cannot both be True (exclusive queues are automatically deleted and cannot be durable).",
    );
  return {
    controlExchange: settings.control_exchange,
    queueTtlSeconds: settings.control_queue_ttl,
    queueExpiresSeconds: settings.control_queue_expires,
    queueExclusive: settings.control_queue_exclusive,
    queueDurable: settings.control_queue_durable,
  };
}

/** The broadcast exchange `<control_exchange>.pidbox`: fanout, not durable, transient messages. */
export function pidboxExchange(settings: Pick<MailboxSettings, "controlExchange"> = DEFAULT_MAILBOX_SETTINGS): ExchangeSpec {
  return { name: `${settings.controlExchange}.pidbox`, type: "fanout", durable: false, autoDelete: false, deliveryMode: 1 };
}

/** The reply exchange `reply.<control_exchange>.pidbox`: direct, not durable, transient messages. */
export function replyExchange(settings: Pick<MailboxSettings, "controlExchange"> = DEFAULT_MAILBOX_SETTINGS): ExchangeSpec {
  return { name: `reply.${settings.controlExchange}.pidbox`, type: "direct", durable: false, autoDelete: false, deliveryMode: 1 };
}

/** `Mailbox.get_queue(hostname)`: `<hostname>.<control_exchange>.pidbox` bound to the broadcast exchange with key "". */
export function nodeQueue(hostname: string, settings: MailboxSettings = DEFAULT_MAILBOX_SETTINGS): QueueSpec {
  return {
    name: `${hostname}.${settings.controlExchange}.pidbox`,
    exchange: pidboxExchange(settings),
    routingKey: "",
    ...queueFlags(settings),
  };
}

/** `Mailbox.get_reply_queue()`: `<oid>.reply.<control_exchange>.pidbox` bound to the reply exchange with key `<oid>`. */
export function replyQueue(oid: string, settings: MailboxSettings = DEFAULT_MAILBOX_SETTINGS): QueueSpec {
  const exchange = replyExchange(settings);
  return { name: `${oid}.${exchange.name}`, exchange, routingKey: oid, ...queueFlags(settings) };
}

function queueFlags(settings: MailboxSettings): Pick<QueueSpec, "durable" | "exclusive" | "autoDelete" | "expiresMs" | "messageTtlMs"> {
  return {
    durable: settings.queueDurable,
    exclusive: settings.queueExclusive,
    autoDelete: !settings.queueDurable,
    ...(settings.queueExpiresSeconds !== null ? { expiresMs: settings.queueExpiresSeconds * 1000 } : {}),
    ...(settings.queueTtlSeconds !== null ? { messageTtlMs: settings.queueTtlSeconds * 1000 } : {}),
  };
}
