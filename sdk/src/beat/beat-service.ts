import type { BeatEntryState, BeatStateStore } from "./beat-state-store.js";
import type { Schedule, ScheduleState } from "./schedule-state.js";
import type { BeatEntryDefinition, BeatScheduleDefinition } from "./load-beat-schedule.js";
import type { RedisBeatLease } from "./redis-beat-lease.js";

export type BeatLogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

export interface BeatServiceOptions {
  readonly schedule: BeatScheduleDefinition;
  /** Publishes one entry (task, args, kwargs, options) and returns the task id. */
  readonly send: (entry: BeatEntryDefinition) => Promise<string>;
  readonly store: BeatStateStore;
  /** Leader election: only the lease holder ticks; the store should then be the lease itself (shared state). */
  readonly lease?: RedisBeatLease;
  /** Celery's `beat_max_loop_interval`: the longest sleep between checks, seconds. Default 300. */
  readonly maxIntervalSeconds?: number;
  readonly log?: (level: BeatLogLevel, message: string) => void;
  readonly now?: () => number;
}

/**
 * The beat loop (Celery's `Scheduler.tick` + `Service.start`): sends every due entry, records its run in the state
 * store before publishing (Celery's `reserve`), then sleeps until the earliest next check, at most `maxInterval`.
 * With a lease, a process ticks only while it holds it, and re-reads the shared state whenever it becomes leader.
 */
export class BeatService {
  private schedule: BeatScheduleDefinition;
  private states = new Map<string, BeatEntryState>();
  private leader = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly now: () => number;
  private readonly maxIntervalMs: number;
  private readonly log: (level: BeatLogLevel, message: string) => void;

  constructor(private readonly options: BeatServiceOptions) {
    this.schedule = options.schedule;
    this.now = options.now ?? Date.now;
    this.maxIntervalMs = (options.maxIntervalSeconds ?? 300) * 1000;
    this.log = options.log ?? (() => undefined);
  }

  /** Runs until `stop()`; resolves after the state is flushed and the lease released. */
  async run(): Promise<void> {
    if (this.options.lease === undefined) await this.loadStates();
    while (!this.stopped) {
      let delayMs: number;
      try {
        delayMs = await this.step();
      } catch (e) {
        this.log("ERROR", `beat: ${(e as Error).message}`);
        delayMs = 1000;
      }
      if (!this.stopped) await this.sleep(delayMs);
    }
    await this.options.store.flush();
    if (this.leader) await this.options.lease?.release().catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** SIGHUP: take a new schedule; entries that keep their name keep their state, new ones start now. */
  reload(schedule: BeatScheduleDefinition): void {
    this.schedule = schedule;
    this.anchorNewEntries();
    this.log("INFO", `beat: schedule reloaded (${schedule.entries.length} entries)`);
    this.wake?.();
  }

  private async step(): Promise<number> {
    const lease = this.options.lease;
    if (lease === undefined) return this.tick();
    const renewMs = Math.max(100, Math.floor(lease.leaseMs / 3));
    const holds = await lease.acquireOrExtend();
    if (holds && !this.leader) {
      this.leader = true;
      await this.loadStates();
      this.log("INFO", "beat: acquired the lock, now the leader");
    } else if (!holds && this.leader) {
      this.leader = false;
      this.log("WARNING", "beat: lost the lock, standing by");
    }
    if (!this.leader) return Math.max(100, Math.floor(renewMs / 2));
    return Math.min(await this.tick(), renewMs);
  }

  private async loadStates(): Promise<void> {
    this.states = await this.options.store.load(this.schedule.timeZone);
    this.anchorNewEntries();
  }

  /** Celery's `ScheduleEntry` default: an entry never run before counts as run now. */
  private anchorNewEntries(): void {
    const now = this.now();
    for (const e of this.schedule.entries) {
      if (!this.states.has(e.name)) this.states.set(e.name, { lastRunAtMs: now, totalRunCount: 0 });
    }
  }

  /** One pass over the entries (Celery's `tick`): sends what is due; returns ms until the next check. */
  async tick(): Promise<number> {
    if (this.states.size === 0) await this.loadStates();
    let nextMs = this.maxIntervalMs;
    let sent = 0;
    for (const entry of this.schedule.entries) {
      if (this.stopped) break;
      const state = this.states.get(entry.name) ?? { lastRunAtMs: this.now(), totalRunCount: 0 };
      const due = isDueAfterLastRun(entry.schedule, state.lastRunAtMs, this.now());
      nextMs = Math.min(nextMs, due.nextSeconds * 1000);
      if (!due.isDue) continue;
      const reserved = { lastRunAtMs: this.now(), totalRunCount: state.totalRunCount + 1 };
      if (!(await this.options.store.reserve(entry.name, reserved))) {
        this.leader = false;
        this.log("WARNING", "beat: lost the lock before sending, standing by");
        return 0;
      }
      this.states.set(entry.name, reserved);
      this.log("INFO", `Scheduler: Sending due task ${entry.name} (${entry.task})`);
      try {
        const id = await this.options.send(entry);
        this.log("DEBUG", `${entry.task} sent. id->${id}`);
      } catch (e) {
        this.log("ERROR", `Message Error: ${(e as Error).message}`);
      }
      sent++;
    }
    if (sent > 0) await this.options.store.flush();
    // Celery's adjust(): wake 10 ms early so the entry is due on arrival rather than just after.
    return Math.max(0, Math.min(nextMs - 10, this.maxIntervalMs));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

const MINUTE_MS = 60_000;

/**
 * `schedule.isDue`, except where Celery's crontab arithmetic puts the next run at or before the last one: with the
 * last run in the repeated hour of a DST fall-back (e.g. 01:10 EST, second pass, `minute='*\/15'` in New York), the
 * next slot is built as 01:15 with fold 0, i.e. the first pass, an hour earlier. Celery 5.7 then finds the entry due
 * on every tick and sends it continuously until the wall clock reaches the hour's last slot. Here such an entry waits
 * for the first slot that is really after its last run (the next hour, as for the rest of the repeated hour).
 */
export function isDueAfterLastRun(schedule: Schedule, lastRunAtMs: number, nowMs: number): ScheduleState {
  const state = schedule.isDue(lastRunAtMs, nowMs);
  if (!state.isDue || schedule.remainingEstimate(lastRunAtMs, lastRunAtMs) > 0) return state;
  for (let probe = lastRunAtMs + MINUTE_MS; probe <= lastRunAtMs + 3 * 60 * MINUTE_MS; probe += MINUTE_MS) {
    const next = probe + schedule.remainingEstimate(probe, probe);
    if (next > lastRunAtMs) return next <= nowMs ? { isDue: true, nextSeconds: 0 } : { isDue: false, nextSeconds: (next - nowMs) / 1000 };
  }
  return state;
}
