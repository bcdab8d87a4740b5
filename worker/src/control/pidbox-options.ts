import type { ControlSerialization } from "../../../sdk/src/control/control-serialization.js";
import type { MailboxSettings } from "../../../sdk/src/control/pidbox-entities.js";
import type { QueueSpec } from "../../../sdk/src/transport/queue-spec.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { LamportClock } from "../app/lamport-clock.js";
import type { TaskRegistry } from "../app/task-registry.js";
import type { WorkerControl } from "../app/worker-control.js";
import type { WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { LogSink } from "../events/log-sink.js";
import type { ControlCommand } from "./control-command.js";
import type { PoolView } from "./control-context.js";

/** Options of `startPidbox`. `transport`, `hostname`, `state`, `control` and `registry` are required. */
/**
 * The worker's remote control. `accept`, `serializer`, `signer` and `verifier` are the app's mailbox serialization:
 * requests accepted (`accept_content`, signed ones verified), replies and mingle's hello sent as `task_serializer`.
 */
export interface PidboxOptions extends ControlSerialization {
  readonly transport: Transport;
  /** This worker's node name (`celery@host`): its queue is `<hostname>.celery.pidbox`. */
  readonly hostname: string;
  readonly state: WorkerState;
  readonly control: WorkerControl;
  readonly registry: TaskRegistry;
  /** For `enable_events`, `disable_events`, `heartbeat`. Default `NO_EVENTS` (those reply "event dispatcher unavailable"). */
  readonly dispatcher?: EventDispatcher;
  /**
   * `--statedb FILE` for a pidbox used on its own: revoked ids (and the clock) loaded before mingle and saved by
   * `stop()`, in the worker's state file format (`../persistent-state.ts`). The worker itself loads and saves the
   * file, so it leaves this unset. Default none.
   */
  readonly statedbPath?: string | null;
  /** Run mingle (`hello` to the other workers, merge their revoked ids and clocks) before consuming. Default true (`--without-mingle` = false). */
  readonly mingle?: boolean;
  /** How long mingle waits for each next reply. Default 1000 (Celery's 1 s). */
  readonly mingleTimeoutMs?: number;
  /** Called by `revoke` with the ids not executing here so the core stores REVOKED (Celery >= 5.6.2). Default none. */
  readonly onRevoked?: (ids: readonly string[]) => void | Promise<void>;
  /** Called after `rate_limit` changed a task (reset its token bucket). Default none. */
  readonly onRateLimitChanged?: (taskName: string) => void;
  /** `revoke_by_stamped_headers` writes here; the core reads it at receipt. Default: a new map. */
  readonly revokedStamps?: Map<string, unknown[]>;
  /** For `stats.pool.processes` (and extra pool fields). Default: this process. */
  readonly pool?: PoolView;
  /** What `conf` reports (Celery setting names); merged over a few values known here. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The declaration of each consumed queue for `active_queues`. Default: Celery's default topology for the name. */
  readonly describeQueue?: (name: string) => QueueSpec;
  /** `control_*` settings. Default Celery 5.7's (exclusive queue, x-expires 10 s, x-message-ttl 300 s). */
  readonly mailbox?: Partial<MailboxSettings>;
  /** The mailbox's Lamport clock (request/reply headers; kombu keeps it apart from the app clock). Default: a new one. */
  readonly mailboxClock?: LamportClock;
  /** More commands (or replacements of built-ins by name), as with Celery's `@control_command`. */
  readonly commands?: readonly ControlCommand[];
  readonly log?: LogSink;
}
