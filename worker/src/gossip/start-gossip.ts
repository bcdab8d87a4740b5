import type { EventClock, ReceiveEventsOptions, ReceivedEvent, ReceivedEventDelivery } from "../../../sdk/src/events/event-receiver-options.js";
import { receiveEvents } from "../../../sdk/src/events/receive-events.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import { type GossipPeer, PeerTable } from "./peer-table.js";

/** The `event_*` settings the gossip queue is declared with (Celery's `EventReceiver` reads them from app.conf). */
export type GossipQueueSettings = Pick<
  ReceiveEventsOptions,
  "exchange" | "queuePrefix" | "queueTtlSeconds" | "queueExpiresSeconds" | "queueExclusive" | "queueDurable" | "accept"
>;

export interface GossipOptions {
  readonly transport: Transport;
  /** This worker's node name: its own events are not tracked. */
  readonly hostname: string;
  /** The worker's Lamport clock (`WorkerState.clock`), kept in step with the other nodes' events. */
  readonly clock: EventClock;
  /** Sends `worker-elect-ack` replies to other nodes' elections. */
  readonly dispatcher: EventDispatcher;
  readonly logger: WorkerLogger;
  readonly queue?: GossipQueueSettings;
  /** How often nodes that missed their heartbeats are dropped (Celery's `Gossip.interval`, 5 s). Default 5000. */
  readonly intervalMs?: number;
}

/** A running gossip consumer. */
export interface Gossip {
  /** The queue it consumes (`celeryev.<uuid>`). */
  readonly queue: string;
  /** The other nodes seemingly alive now (Celery's `state.alive_workers()`). */
  aliveWorkers(): GossipPeer[];
  /** Stops consuming, deletes the queue, stops the timer. */
  stop(): Promise<void>;
}

/** Celery's `Gossip.compatible_transports`: the transports whose `driver_type` gossip runs on. */
const GOSSIP_TRANSPORTS: ReadonlySet<Transport["kind"]> = new Set(["amqp", "redis"]);

/** The fields Celery's `on_elect` reads from a `worker-elect` request. */
const ELECTION_FIELDS = ["id", "clock", "hostname", "pid", "topic", "action", "cver"] as const;

/** Celery's `Gossip.compatible_transport`: gossip is silently off on other transports (the in-memory one here). */
export function supportsGossip(transport: Transport): boolean {
  return GOSSIP_TRANSPORTS.has(transport.kind);
}

/**
 * Celery's `Gossip` consumer step (C:celery/worker/consumer/gossip.py): an event receiver queue bound with `worker.#`
 * (with Celery's `event_*` queue settings, consumed without acks, timestamps not localized) whose `worker-*` events
 * from other nodes feed a {@link PeerTable}. Joins (`<node> joined the party`) and leaves (`<node> left`) are logged at
 * DEBUG, nodes that missed their heartbeats (`missed heartbeat from <node>`) at INFO every `intervalMs`.
 * `worker-elect` requests are acknowledged with `worker-elect-ack`, as every Celery worker does (this node starts no
 * elections, so it keeps no consensus of its own).
 * Our own events only move the clock forward.
 */
export async function startGossip(options: GossipOptions): Promise<Gossip> {
  const { logger, hostname } = options;
  const peers = new PeerTable({ onDrift: (message) => logger.warning(message) });

  const onElect = (event: ReceivedEvent): void => {
    const missing = ELECTION_FIELDS.find((field) => !(field in event));
    if (missing !== undefined) {
      logger.error(`election request missing field '${missing}'`);
      return;
    }
    options.dispatcher.send("worker-elect-ack", { id: event["id"] });
  };

  const onEvent = (event: ReceivedEvent, delivery: ReceivedEventDelivery): void => {
    const routingKey = delivery.routingKey ?? event.type.replaceAll("-", ".");
    // On Redis the fanout exchange delivers task events too (kombu's `fanout_patterns`, Celery issue #1882).
    if (routingKey.split(".", 1)[0] === "task") return;
    if (routingKey === "worker.elect") return onElect(event);
    // `worker.elect.ack` answers elections this node started; it starts none (the `election` command is a no-op).
    if (routingKey === "worker.elect.ack") return;
    if ((delivery.hostname ?? event.hostname) === hostname) return;
    const change = peers.apply(event);
    if (change === "joined") logger.debug(`${event.hostname} joined the party`);
    else if (change === "left") logger.debug(`${event.hostname} left`);
  };

  const receiver = await receiveEvents(options.transport, onEvent, {
    ...options.queue,
    routingKey: "worker.#",
    wakeup: false,
    localize: false,
    clock: options.clock,
    onInvalidEvent: (error) => logger.error(error.describe()),
  });
  const timer = setInterval(() => {
    for (const peer of peers.sweepLost()) logger.info(`missed heartbeat from ${peer.hostname}`);
  }, options.intervalMs ?? 5000).unref();

  let stopped: Promise<void> | null = null;
  return {
    queue: receiver.queue,
    aliveWorkers: () => peers.alive(),
    stop: () =>
      (stopped ??= (() => {
        clearInterval(timer);
        return receiver.stop();
      })()),
  };
}
