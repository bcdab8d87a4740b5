import type { QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { TaskRegistry } from "../app/task-registry.js";
import type { WorkerControl } from "../app/worker-control.js";
import type { WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { LogSink } from "../events/log-sink.js";

/** What `stats` reports about the execution pool, when the worker has one to show. */
export interface PoolView {
  /** Child pids (the worker's own pid for in-process pools): `pool.processes`. */
  pids(): readonly number[];
  /** Extra `pool` fields (e.g. prefork's `writes`, `timeouts`); merged over the defaults. */
  info?(): Readonly<Record<string, unknown>>;
}

/**
 * Everything a remote-control command handler may read or change (Celery passes the same through `state`:
 * `state.app`, `state.consumer`, `celery.worker.state`).
 */
export interface ControlContext {
  readonly hostname: string;
  readonly state: WorkerState;
  readonly control: WorkerControl;
  readonly registry: TaskRegistry;
  readonly dispatcher: EventDispatcher;
  readonly transport: Transport;
  /** `revoke_by_stamped_headers` entries: stamp name → revoked values (Celery's `worker_state.revoked_stamps`). */
  readonly revokedStamps: Map<string, unknown[]>;
  readonly pool: PoolView | null;
  /** Called by `revoke` with the ids not executing here, so the core can store REVOKED (Celery >= 5.6.2). */
  readonly onRevoked: ((ids: readonly string[]) => void | Promise<void>) | null;
  /** Called after `rate_limit` changed a task's rate (Celery: `consumer.reset_rate_limits()`). */
  readonly onRateLimitChanged: ((taskName: string) => void) | null;
  /** The settings `conf` reports. */
  readonly settings: () => Readonly<Record<string, unknown>>;
  /** The declaration of a consumed queue, for `active_queues`. */
  readonly describeQueue: (name: string) => QueueSpec;
  readonly log: LogSink;
}
