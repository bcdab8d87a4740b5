import type { AmqpPublish } from "../codec/amqp/encode-amqp-publish.js";
import { PyFloat } from "../codec/json/python-values.js";
import { encodeMessagePublish } from "../codec/message/encode-message-publish.js";
import type { ControlSerialization } from "./control-serialization.js";

/** The pidbox broadcast exchange Celery's workers bind to (`<control_exchange>.pidbox`). */
export const PIDBOX_EXCHANGE = "celery.pidbox";

export interface ControlRequestInput {
  readonly method: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Node names (`celery@host`) to address; null = every worker. */
  readonly destination?: readonly string[] | null;
  readonly pattern?: string | null;
  readonly matcher?: "glob" | "pcre" | null;
  /** With a reply: the ticket and where workers reply (exchange `reply.celery.pidbox`, routing key = client oid). */
  readonly reply?: { readonly ticket: string; readonly routingKey: string } | null;
  /** Lamport clock value for the `clock` header. */
  readonly clock: number;
  /** Seconds until the request expires (header `expires` = now + timeout, as kombu writes it). Default 1. */
  readonly timeoutSeconds?: number;
  readonly now?: Date;
  /** The broadcast exchange (`<control_exchange>.pidbox`). Default `celery.pidbox`. */
  readonly exchange?: string;
  /** The reply exchange named in `reply_to` (`reply.<control_exchange>.pidbox`). Default `reply.celery.pidbox`. */
  readonly replyExchange?: string;
}

/** Encodes a remote-control request exactly as kombu's `Mailbox._publish` does (K:kombu/pidbox.py). */
export function encodeControlRequest(input: ControlRequestInput, serialization: Pick<ControlSerialization, "serializer" | "signer"> = {}): AmqpPublish {
  const body: Record<string, unknown> = {
    method: input.method,
    arguments: input.arguments,
    destination: input.destination ?? null,
    pattern: input.pattern ?? null,
    matcher: input.matcher ?? null,
  };
  if (input.reply) {
    body["ticket"] = input.reply.ticket;
    body["reply_to"] = { exchange: input.replyExchange ?? "reply.celery.pidbox", routing_key: input.reply.routingKey };
  }
  const now = (input.now ?? new Date()).getTime() / 1000;
  return encodeMessagePublish(body, {
    exchange: input.exchange ?? PIDBOX_EXCHANGE,
    routingKey: "",
    headers: { clock: input.clock, expires: new PyFloat(now + (input.timeoutSeconds ?? 1)) },
    deliveryMode: 2,
    serializer: serialization.serializer ?? "json",
    signer: serialization.signer,
  });
}
