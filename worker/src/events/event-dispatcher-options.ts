import type { SerializerName } from "../../../sdk/src/codec/body/content-types.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { LamportClock } from "../app/lamport-clock.js";
import type { LogSink } from "./log-sink.js";

/** Options of `createEventDispatcher`. Only `transport` and `hostname` are required. */
export interface EventDispatcherOptions {
  /** The broker events are published to (the dispatcher does not close it). */
  readonly transport: Transport;
  /** This worker's node name (`celery@host`): the `hostname` header and body field. */
  readonly hostname: string;
  /**
   * Task events (`-E`, `worker_send_task_events`): when false only `worker-*` events are sent, as Celery's
   * dispatcher does with `groups=['worker']`. `enable_events` / `disable_events` flip it. Default false.
   */
  readonly enabled?: boolean;
  /**
   * Whether `worker-*` events (heartbeats) are sent at all. Celery sends them unless started with both
   * `--without-heartbeat` and `--without-gossip` and without `-E`. Default true.
   */
  readonly workerEvents?: boolean;
  /** The worker's Lamport clock (`WorkerState.clock`): forwarded once per event. Default: a new clock. */
  readonly clock?: LamportClock;
  /** `event_exchange`. Default "celeryev". */
  readonly exchange?: string;
  /** `event_serializer`. Default "json". */
  readonly serializer?: SerializerName;
  /**
   * Buffer `task-*` events and send them as one `task.multi` list per event-loop turn (or every `bufferLimit`
   * events), as Celery's event-loop workers (solo, prefork) do. false = one message per event. Default true.
   */
  readonly bufferTaskEvents?: boolean;
  /** Celery's `buffer_limit`. Default 24. */
  readonly bufferLimit?: number;
  /** The `pid` field. Default `process.pid`. */
  readonly pid?: number;
  /** Failed publishes are reported here (events are never retried, as with Celery). Default: stderr. */
  readonly log?: LogSink;
}

export const DEFAULT_EVENT_DISPATCHER_OPTIONS = Object.freeze({
  enabled: false,
  workerEvents: true,
  exchange: "celeryev",
  serializer: "json" as SerializerName,
  bufferTaskEvents: true,
  bufferLimit: 24,
});
