import type { ControlSerialization } from "../../../sdk/src/control/control-serialization.js";
import { decodeControlMessage, type ControlMessage } from "../../../sdk/src/codec/message/decode-control-message.js";
import { DEFAULT_MAILBOX_SETTINGS, nodeQueue, replyExchange, type MailboxSettings } from "../../../sdk/src/control/pidbox-entities.js";
import type { RawTaskParts } from "../../../sdk/src/codec/task/raw-task-parts.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { Consumer } from "../../../sdk/src/transport/transport.js";
import { LamportClock } from "../app/lamport-clock.js";
import { NO_EVENTS } from "../events/event-dispatcher.js";
import { loadStateDb, saveStateDb } from "../persistent-state.js";
import { STDERR_LOG_SINK } from "../events/log-sink.js";
import { indexCommands } from "./builtin-commands.js";
import { NO_REPLY } from "./control-command.js";
import type { ControlContext } from "./control-context.js";
import { dispatchControlRequest } from "./dispatch-control-request.js";
import { encodeControlReply } from "./encode-control-reply.js";
import type { PidboxOptions } from "./pidbox-options.js";
import { runMingle, type MingleResult } from "./run-mingle.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { dumpBody } from "../logging/dump-message.js";
import { TASK_LOG } from "../logging/task-log-messages.js";
import { shouldHandleRequest } from "./should-handle-request.js";

/** A running remote-control mailbox. */
export interface Pidbox {
  readonly hostname: string;
  /** `<hostname>.celery.pidbox`. */
  readonly queue: string;
  readonly mailboxClock: LamportClock;
  /** What mingle found at start (null when it did not run). */
  readonly mingle: MingleResult | null;
  /** Stops consuming, waits for the request in progress, saves the state file (`statedbPath`). */
  stop(): Promise<void>;
  /** Same as `stop()` (what the worker calls on the services it closes). */
  close(): Promise<void>;
}

/**
 * The worker's remote control (Celery's `Pidbox` bootstep + kombu's `Node`): loads `--statedb`, runs mingle, then
 * consumes `<hostname>.celery.pidbox` (bound to the fanout `celery.pidbox`, declared exactly as Celery 5.7 does;
 * on Redis a PSUBSCRIBE of `/{db}.celery.pidbox`) without acks. Each request: forward the worker clock, adjust the
 * mailbox clock from the `clock` header, check `destination`/`pattern`/`matcher`, run the command, and when
 * `reply_to` is set publish `{hostname: reply}` to `reply.celery.pidbox` with headers `{ticket, clock}`.
 * Requests are handled one at a time, in arrival order.
 */
export async function startPidbox(options: PidboxOptions): Promise<Pidbox> {
  const { transport, hostname, state } = options;
  if (typeof hostname !== "string" || hostname === "")
    throw new CeleryProtoError("InvalidOption", "hostname: the pidbox needs the worker's node name (e.g. celery@host)");
  const mailbox: MailboxSettings = { ...DEFAULT_MAILBOX_SETTINGS, ...options.mailbox };
  const log = options.log ?? STDERR_LOG_SINK;
  const mailboxClock = options.mailboxClock ?? new LamportClock();
  const commands = indexCommands(options.commands);
  const accept = options.accept ?? ["json"];
  const serialization: ControlSerialization = { accept, serializer: options.serializer ?? "json", signer: options.signer, verifier: options.verifier };
  const context: ControlContext = {
    hostname,
    state,
    control: options.control,
    registry: options.registry,
    dispatcher: options.dispatcher ?? NO_EVENTS,
    transport,
    revokedStamps: options.revokedStamps ?? new Map(),
    pool: options.pool ?? null,
    onRevoked: options.onRevoked ?? null,
    onRateLimitChanged: options.onRateLimitChanged ?? null,
    settings: () => ({
      broker_transport: transport.kind,
      worker_concurrency: options.control.concurrency(),
      worker_send_task_events: (options.dispatcher ?? NO_EVENTS).enabled,
      control_exchange: mailbox.controlExchange,
      accept_content: [...accept],
      ...options.settings,
    }),
    describeQueue: options.describeQueue ?? ((name) => ({ name })),
    log,
  };

  if (options.statedbPath) await loadStateDb(options.statedbPath, state);
  const mingle =
    options.mingle === false
      ? null
      : await runMingle({ transport, hostname, state, clock: mailboxClock, timeoutMs: options.mingleTimeoutMs ?? 1000, mailbox, log, serialization });

  const queue = nodeQueue(hostname, mailbox);
  const reply = replyExchange(mailbox);
  let replyDeclared: Promise<void> | null = null;
  const declareReply = (): Promise<void> => {
    if (replyDeclared === null) {
      const declaring = transport.declareExchange(reply);
      replyDeclared = declaring;
      declaring.catch(() => (replyDeclared = null));
    }
    return replyDeclared;
  };

  const handle = async (parts: RawTaskParts): Promise<void> => {
    let message: ControlMessage;
    try {
      message = decodeControlMessage(parts, { accept, ...(options.verifier === undefined ? {} : { verifier: options.verifier }) });
    } catch (e) {
      // Celery's consumer logs a pidbox message it cannot decode (refused content type, bad signature) as it logs a task's.
      log.critical(
        TASK_LOG.decodeError(
          CeleryProtoError.from(e, "InvalidMessage").describe(),
          safeRepr(parts.properties["content_type"] ?? null),
          safeRepr(parts.properties["content_encoding"] ?? null),
          safeRepr(parts.headers ?? null),
          dumpBody(parts),
        ),
      );
      return;
    }
    if (message.type !== "request") return;
    const request = message.request;
    state.clock.forward();
    const clock = Number(message.headers["clock"]);
    mailboxClock.adjust(Number.isFinite(clock) ? clock : 0);
    try {
      if (!shouldHandleRequest(hostname, request)) return;
    } catch (e) {
      log.error("Control command error", e);
      return;
    }
    const result = await dispatchControlRequest(context, commands, request);
    const replyTo = request.reply_to;
    if (result === NO_REPLY || replyTo === undefined || replyTo === null) return;
    try {
      const encoded = encodeControlReply(
        hostname,
        result,
        {
          exchange: replyTo.exchange,
          routingKey: replyTo.routing_key,
          ticket: request.ticket ?? null,
          clock: mailboxClock.forward(),
        },
        serialization,
      );
      if (replyTo.exchange === reply.name) await declareReply();
      await transport.publish(encoded);
    } catch (e) {
      log.error(`pidbox reply to ${replyTo.routing_key} failed`, e);
    }
  };

  let tail: Promise<void> = Promise.resolve();
  await transport.declareQueue(queue);
  const consumer: Consumer = await transport.consume(
    [queue.name],
    (delivery) => {
      tail = tail.then(() => handle(delivery.message)).catch((e: unknown) => log.error("Control command error", e));
    },
    { prefetch: 0, noAck: true },
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await consumer.cancel().catch((e: unknown) => log.warning("pidbox consumer cancel failed", e));
      await tail;
      if (options.statedbPath) await saveStateDb(options.statedbPath, state);
    })();
    return stopping;
  };
  return {
    hostname,
    queue: queue.name,
    mailboxClock,
    mingle,
    stop,
    close: stop,
  };
}
