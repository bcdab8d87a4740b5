import { randomUUID } from "node:crypto";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Consumer, Delivery, Transport } from "../transport/transport.js";
import type { ControlSerialization } from "./control-serialization.js";
import { encodeControlRequest } from "./encode-control-request.js";
import { DEFAULT_MAILBOX_SETTINGS, pidboxExchange, replyExchange, replyQueue, type MailboxSettings } from "./pidbox-entities.js";

/** A Lamport clock (kombu's `LamportClock`): the request's `clock` header, adjusted by the replies' headers. */
export interface ControlClock {
  forward(): number;
  adjust(other: number): number;
}

/** Options of {@link inspect}: with `serializer`, `signer`, `accept` and `verifier` as the app's mailbox (Celery's `task_serializer`, `accept_content`). */
export interface InspectOptions extends ControlSerialization {
  /** Node names that must answer (`-d celery@a,celery@b`); null/empty = every worker. */
  readonly destination?: readonly string[] | null;
  /** With `matcher`: which nodes answer (`glob` = fnmatch, `pcre` = Python `re.match`). */
  readonly pattern?: string | null;
  readonly matcher?: "glob" | "pcre" | null;
  /** Stop collecting when no reply arrived for this long (kombu's `timeout`, applied per reply). Default 1000. */
  readonly timeoutMs?: number;
  /** Stop after this many replies. Default: the number of destinations, else no limit. */
  readonly limit?: number | null;
  /** Default: a fresh clock starting at 0 (a client's mailbox clock). */
  readonly clock?: ControlClock;
  /** `control_*` settings; Celery 5.7's defaults. They must match the workers' (RabbitMQ checks queue flags). */
  readonly mailbox?: Partial<MailboxSettings>;
  /** The client oid (reply queue `<oid>.reply.celery.pidbox`). Default: a new uuid4. */
  readonly oid?: string;
  /** Replies that cannot be decoded are passed here and skipped. Default: ignored. */
  readonly onInvalidReply?: (error: CeleryProtoError) => void;
}

/** One worker's answer as kombu collects it: `{<nodename>: <reply>}`. */
export type NodeReply = Readonly<Record<string, unknown>>;

/**
 * Sends a remote-control command and collects the replies, as `app.control.inspect(...).<method>()` and
 * `app.control.broadcast(..., reply=True)` do (K:kombu/pidbox.py `Mailbox._broadcast` / `_collect`): declares the
 * reply queue `<oid>.reply.celery.pidbox` (bound to `reply.celery.pidbox` with key `<oid>`), publishes the request
 * to `celery.pidbox` with a ticket, keeps the replies whose `ticket` header matches, until `limit` replies or until
 * none arrived for `timeoutMs`. Then it deletes the reply queue. Resolves with the replies in arrival order.
 */
export async function inspect(
  transport: Transport,
  method: string,
  args: Readonly<Record<string, unknown>> = {},
  options: InspectOptions = {},
): Promise<NodeReply[]> {
  const settings: MailboxSettings = { ...DEFAULT_MAILBOX_SETTINGS, ...options.mailbox };
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!(timeoutMs > 0)) throw new CeleryProtoError("InvalidOption", `timeoutMs: must be a positive number of milliseconds, not ${String(timeoutMs)}`);
  const destination = options.destination && options.destination.length > 0 ? options.destination : null;
  const limit = options.limit ?? (destination !== null ? destination.length : null);
  const clock = options.clock ?? newClock();
  const oid = options.oid ?? randomUUID();
  const ticket = randomUUID();
  const queue = replyQueue(oid, settings);
  const replies: NodeReply[] = [];
  // Loaded here, not at import: only remote-control clients need the control schemas' validators.
  const { decodeControlMessage } = await import("../codec/message/decode-control-message.js");

  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let timer: NodeJS.Timeout | null = null;
  let settled = false;
  const settle = (): void => {
    settled = true;
    if (timer !== null) clearTimeout(timer);
    finish();
  };
  /** (Re)starts the idle timeout: kombu waits `timeout` for each next reply. */
  const arm = (): void => {
    if (settled) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(settle, timeoutMs);
  };
  const onDelivery = (delivery: Delivery): void => {
    let decoded;
    try {
      decoded = decodeControlMessage(delivery.message, {
        accept: options.accept ?? ["json"],
        ...(options.verifier === undefined ? {} : { verifier: options.verifier }),
      });
    } catch (e) {
      options.onInvalidReply?.(CeleryProtoError.from(e));
      return;
    }
    const clockHeader = Number(decoded.headers["clock"]);
    clock.adjust(Number.isFinite(clockHeader) ? clockHeader : 0);
    const expires = Number(decoded.headers["expires"]);
    if (Number.isFinite(expires) && expires > 0 && Date.now() / 1000 > expires) return;
    // kombu: a reply without a ticket header counts as ours.
    const replyTicket = "ticket" in decoded.headers ? decoded.headers["ticket"] : ticket;
    if (decoded.type !== "reply" || replyTicket !== ticket) return;
    replies.push(decoded.reply);
    if (limit !== null && replies.length >= limit) settle();
    else arm();
  };

  await transport.declareQueue(queue);
  let consumer: Consumer | null = null;
  try {
    consumer = await transport.consume([queue.name], onDelivery, { prefetch: 0, noAck: true });
    const exchange = pidboxExchange(settings);
    await transport.declareExchange(exchange);
    await transport.publish(
      encodeControlRequest(
        {
          method,
          arguments: args,
          destination,
          pattern: options.pattern ?? null,
          matcher: options.matcher ?? null,
          reply: { ticket, routingKey: oid },
          clock: clock.forward(),
          timeoutSeconds: timeoutMs / 1000,
          exchange: exchange.name,
          replyExchange: replyExchange(settings).name,
        },
        options,
      ),
    );
    arm();
    await finished;
  } finally {
    settle();
    await consumer?.cancel().catch(() => undefined);
    // kombu's `after_reply_message_received`: virtual transports (Redis) delete the reply queue; on RabbitMQ the
    // auto-delete queue goes with its consumer, and deleting it also stops the transport from redeclaring it.
    await transport.deleteQueue(queue.name).catch(() => undefined);
  }
  return replies;
}

function newClock(): ControlClock {
  let value = 0;
  return {
    forward: () => ++value,
    adjust: (other: number) => (value = Math.max(value, Math.trunc(other)) + 1),
  };
}
