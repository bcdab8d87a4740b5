/**
 * Celery's `schedstate`: whether an entry is due now, and in how many seconds to check it again (for a due entry:
 * when its next run is).
 */
export interface ScheduleState {
  readonly isDue: boolean;
  readonly nextSeconds: number;
}

/** What every schedule (interval, crontab, solar) answers; times are epoch milliseconds. */
export interface Schedule {
  /** Milliseconds from `nowMs` until the first run after `lastRunAtMs` (negative when overdue). */
  remainingEstimate(lastRunAtMs: number, nowMs: number): number;
  /** Celery's `is_due(last_run_at)` evaluated at `nowMs`. */
  isDue(lastRunAtMs: number, nowMs: number): ScheduleState;
  /** A short human description for logs, e.g. `<crontab: 0 4 * * * (m/h/dM/MY/d)>`. */
  describe(): string;
}
