import type { EventQueueOptions } from "../../../sdk/src/events/event-queue-options.js";
import type { EventClock, ReceiveEventsOptions, ReceivedEvent, ReceivedEventDelivery } from "../../../sdk/src/events/event-receiver-options.js";
import { receiveEvents } from "../../../sdk/src/events/receive-events.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { pythonRepr, reprPythonException } from "../control/python-repr.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import { type ElectionEntry, heapPush, sortHeap } from "./election-heap.js";
import { type GossipPeer, PeerTable } from "./peer-table.js";

/** The `event_*` settings the gossip queue is declared with (Celery's `EventReceiver` reads them from app.conf). */
export type GossipQueueSettings = EventQueueOptions & Pick<ReceiveEventsOptions, "accept">;

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
  /** This process's id: with the hostname, the node id elections name (`<hostname>.<pid>`). Default `process.pid`. */
  readonly pid?: number;
  /**
   * What the winner of an election on topic `task` does with its action, a task name (Celery:
   * `app.signature(action).apply_async()`). Without it the win is logged as a failure to call the task.
   */
  readonly callTask?: (name: string) => Promise<unknown>;
}

/** A running gossip consumer. */
export interface Gossip {
  /** The queue it consumes (`celeryev.<uuid>`). */
  readonly queue: string;
  /** The other nodes seemingly alive now (Celery's `state.alive_workers()`). */
  aliveWorkers(): GossipPeer[];
  /**
   * Celery's `election` control command: sends `worker-elect` and, once as many acks as alive nodes came back, elects
   * the request with the lowest clock (kombu's `sort_heap`); the winner runs the action of topic `task`.
   */
  election(id: string, topic: unknown, action: unknown): void;
  /** Stops consuming, deletes the queue, stops the timer. */
  stop(): Promise<void>;
}

/** Celery's `Gossip.compatible_transports`: the transports whose `driver_type` gossip runs on. */
const GOSSIP_TRANSPORTS: ReadonlySet<Transport["kind"]> = new Set(["amqp", "redis"]);

/** The fields Celery's `on_elect` reads from a `worker-elect` request. */
const ELECTION_FIELDS = ["id", "clock", "hostname", "pid", "topic", "action", "cver"] as const;
/** Elections remembered at once (Celery keeps every one it never decided); the oldest is forgotten first. */
const ELECTIONS_KEPT = 1000;

/** Celery's `Gossip.compatible_transport`: gossip is silently off on other transports (the in-memory one here). */
export function supportsGossip(transport: Transport): boolean {
  return GOSSIP_TRANSPORTS.has(transport.kind);
}

/**
 * Celery's `Gossip` consumer step (C:celery/worker/consumer/gossip.py): an event receiver queue bound with `worker.#`
 * (with Celery's `event_*` queue settings, consumed without acks, timestamps not localized) whose `worker-*` events
 * from other nodes feed a {@link PeerTable}. Joins (`<node> joined the party`) and leaves (`<node> left`) are logged at
 * DEBUG, nodes that missed their heartbeats (`missed heartbeat from <node>`) at INFO every `intervalMs`.
 * `worker-elect` requests are recorded and acknowledged with `worker-elect-ack`; `election()` starts one.
 * Our own events only move the clock forward.
 */
export async function startGossip(options: GossipOptions): Promise<Gossip> {
  const { logger, hostname } = options;
  const peers = new PeerTable({ onDrift: (message) => logger.warning(message) });
  const fullHostname = `${hostname}.${options.pid ?? process.pid}`;
  /** Celery's `consensus_requests` (id → heap of requests) and `consensus_replies` (id → acking nodes). */
  const requests = new Map<string, ElectionEntry[]>();
  const replies = new Map<string, string[]>();
  const remember = <V>(map: Map<string, V>, id: string, value: V): V => {
    if (!map.has(id) && map.size >= ELECTIONS_KEPT) map.delete(map.keys().next().value as string);
    map.set(id, value);
    return value;
  };

  const callTask = (action: unknown): void => {
    const failed = (e: unknown): void =>
      logger.error(`Could not call task: ${e instanceof Error ? reprPythonException(e.name, e.message) : pythonRepr(String(e))}`, e);
    if (options.callTask === undefined) return failed(new Error("this worker has no task sender (its outcomes are not Celery's)"));
    if (typeof action !== "string") return failed(new TypeError(`the action must be a task name, not ${pythonRepr(action)}`));
    options.callTask(action).catch(failed);
  };

  const onElectAck = (event: ReceivedEvent): void => {
    const id = String(event["id"]);
    const acked = replies.get(id);
    if (acked === undefined) return; // not ours
    acked.push(event.hostname);
    if (acked.length < peers.alive().length) return;
    const heap = requests.get(id) ?? [];
    requests.delete(id);
    replies.delete(id);
    // No request recorded (forgotten, or its worker-elect never arrived): kombu's sort_heap would raise IndexError.
    if (heap.length === 0) return;
    const [, leader, topic, action] = sortHeap(heap);
    if (leader !== fullHostname) {
      logger.info(`node ${leader} elected for ${pythonRepr(id)}`);
      return;
    }
    logger.info(`I won the election ${pythonRepr(id)}`);
    if (topic === "task") callTask(action);
    else logger.error(`Unknown election topic ${pythonRepr(topic)}`);
  };

  const onElect = (event: ReceivedEvent): void => {
    const missing = ELECTION_FIELDS.find((field) => !(field in event));
    if (missing !== undefined) {
      logger.error(`election request missing field '${missing}'`);
      return;
    }
    const id = String(event["id"]);
    heapPush(requests.get(id) ?? remember(requests, id, []), [
      Number(event["clock"]),
      `${event.hostname}.${String(event["pid"])}`,
      event["topic"],
      event["action"],
    ]);
    options.dispatcher.send("worker-elect-ack", { id: event["id"] });
  };

  const onEvent = (event: ReceivedEvent, delivery: ReceivedEventDelivery): void => {
    const routingKey = delivery.routingKey ?? event.type.replaceAll("-", ".");
    // On Redis with `fanout_patterns` off the fanout exchange delivers task events too (Celery issue #1882).
    if (routingKey.split(".", 1)[0] === "task") return;
    if (routingKey === "worker.elect") return onElect(event);
    if (routingKey === "worker.elect.ack") return onElectAck(event);
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
    election: (id, topic, action) => {
      remember(replies, id, []);
      options.dispatcher.send("worker-elect", { id, topic, action: action ?? null, cver: 1 });
    },
    stop: () =>
      (stopped ??= (() => {
        clearInterval(timer);
        return receiver.stop();
      })()),
  };
}
