import type { ReceivedEvent } from "./event-receiver-options.js";

/** Celery's `HEARTBEAT_EXPIRE_WINDOW` (200 %): a worker is alive until `last heartbeat + freq * 2`. */
const EXPIRE_WINDOW = 2;

/** The state each task event type moves a task to (C:celery/events/state.py `TASK_EVENT_TO_STATE`). */
const TASK_EVENT_TO_STATE: Readonly<Record<string, string>> = {
  sent: "PENDING",
  received: "RECEIVED",
  started: "STARTED",
  succeeded: "SUCCESS",
  failed: "FAILURE",
  retried: "RETRY",
  revoked: "REVOKED",
  rejected: "REJECTED",
};

/** Celery's `states.PRECEDENCE` (index 0 = highest); custom states take the `None` slot, after FAILURE. */
const PRECEDENCE: readonly (string | null)[] = ["SUCCESS", "FAILURE", null, "REVOKED", "STARTED", "RECEIVED", "REJECTED", "RETRY", "PENDING"];

export interface WorkerInfo {
  readonly hostname: string;
  /** Fields of the last worker event (`freq`, `active`, `processed`, `loadavg`, `sw_ident`, `sw_ver`, `sw_sys`, `pid`). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** `local_received` of the last heartbeat (or online event); null once offline. */
  readonly lastHeartbeat: number | null;
  /** Epoch seconds after which the worker counts as offline (`heartbeat_expires`); null once offline. */
  readonly heartbeatExpires: number | null;
}

export interface TaskInfo {
  readonly uuid: string;
  readonly name: string | null;
  /** PENDING, RECEIVED, STARTED, SUCCESS, FAILURE, RETRY, REVOKED, REJECTED, or a custom event's type upper-cased. */
  readonly state: string;
  readonly hostname: string | null;
  /** Every field the task's events carried (args, kwargs, result, exception, runtime, ...), merged. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Timestamp of the event that set `state`. */
  readonly timestamp: number;
}

/**
 * A small in-memory picture of a cluster built from events, after Celery's `State` (C:celery/events/state.py):
 * workers (alive while heartbeats keep coming: `now < last heartbeat + freq * 2`; offline at `worker-offline`) and
 * tasks (state by event type; an event that logically happened before the current state only fills in fields).
 */
export class EventState {
  readonly workers = new Map<string, WorkerInfo>();
  readonly tasks = new Map<string, TaskInfo>();
  eventCount = 0;

  constructor(private readonly maxTasks = 10_000) {}

  event(event: ReceivedEvent): void {
    this.eventCount += 1;
    const [group, ...rest] = event.type.split("-");
    const kind = rest.join("-");
    if (group === "worker") this.workerEvent(kind, event);
    else if (group === "task" && typeof event["uuid"] === "string") this.taskEvent(kind, event["uuid"], event);
  }

  /** Whether the worker sent a heartbeat recently enough (`Worker.alive`). */
  isAlive(hostname: string, now: number = Date.now() / 1000): boolean {
    const expires = this.workers.get(hostname)?.heartbeatExpires;
    return expires !== null && expires !== undefined && now < expires;
  }

  aliveWorkers(now: number = Date.now() / 1000): WorkerInfo[] {
    return [...this.workers.values()].filter((w) => this.isAlive(w.hostname, now));
  }

  private workerEvent(kind: string, event: ReceivedEvent): void {
    const previous = this.workers.get(event.hostname);
    const { type: _type, hostname: _hostname, timestamp: _ts, local_received: _lr, ...fields } = event;
    const merged = { ...previous?.fields, ...fields };
    if (kind === "offline") {
      this.workers.set(event.hostname, { hostname: event.hostname, fields: merged, lastHeartbeat: null, heartbeatExpires: null });
      return;
    }
    const freq = Number(merged["freq"] ?? 60);
    const received = Math.max(event.local_received, previous?.lastHeartbeat ?? 0);
    this.workers.set(event.hostname, {
      hostname: event.hostname,
      fields: merged,
      lastHeartbeat: received,
      heartbeatExpires: received + (Number.isFinite(freq) ? freq : 60) * EXPIRE_WINDOW,
    });
  }

  private taskEvent(kind: string, uuid: string, event: ReceivedEvent): void {
    const previous = this.tasks.get(uuid);
    const { type: _type, hostname, timestamp, local_received: _lr, uuid: _uuid, ...fields } = event;
    const state = TASK_EVENT_TO_STATE[kind] ?? kind.toUpperCase();
    const current = previous?.state ?? null;
    // Celery: unless RETRY is involved, an event ranking before the current state (a late `started` after
    // `succeeded`) only adds fields.
    const before = current !== null && state !== "RETRY" && current !== "RETRY" && rank(state) > rank(current);
    const name = typeof fields["name"] === "string" ? fields["name"] : (previous?.name ?? null);
    this.tasks.set(uuid, {
      uuid,
      name,
      state: before ? current : state,
      hostname: kind === "sent" ? (previous?.hostname ?? null) : hostname,
      fields: before ? { ...fields, ...previous?.fields } : { ...previous?.fields, ...fields },
      timestamp: before ? previous!.timestamp : timestamp,
    });
    if (this.tasks.size > this.maxTasks) this.tasks.delete(this.tasks.keys().next().value!);
  }
}

function rank(state: string): number {
  const i = PRECEDENCE.indexOf(state);
  return i === -1 ? PRECEDENCE.indexOf(null) : i;
}
