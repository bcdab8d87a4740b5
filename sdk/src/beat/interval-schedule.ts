import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Schedule, ScheduleState } from "./schedule-state.js";
import { assertTimeZone, fromWall, isImaginary, resolveImaginary, toWall, type WallMs } from "./zoned-wall-time.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface IntervalScheduleOptions {
  /** Celery's `relative=True`: the due time is rounded down to the interval's resolution (day, hour or minute). */
  readonly relative?: boolean;
  /** The zone whose wall clock `relative` rounds in (Celery: the zone of `last_run_at`, i.e. `app.timezone`). */
  readonly timeZone?: string;
}

/**
 * Celery's `schedule(run_every)`: due when `last_run_at + every <= now` (elapsed time, not wall time). Beat records the
 * actual send time as `last_run_at`, so runs drift by the send latency, as in Celery.
 */
export class IntervalSchedule implements Schedule {
  readonly everyMs: number;
  private readonly relative: boolean;
  private readonly timeZone: string;

  constructor(everySeconds: number, options: IntervalScheduleOptions = {}) {
    if (!Number.isFinite(everySeconds) || everySeconds <= 0) {
      throw new CeleryProtoError("InvalidOption", `every: must be a number of seconds > 0, got ${everySeconds}`);
    }
    this.everyMs = everySeconds * 1000;
    this.relative = options.relative ?? false;
    this.timeZone = options.timeZone ?? "UTC";
    assertTimeZone(this.timeZone);
  }

  describe(): string {
    return `<freq: ${this.everyMs / 1000}s>`;
  }

  remainingEstimate(lastRunAtMs: number, nowMs: number): number {
    const end = this.relative ? this.relativeEnd(lastRunAtMs) : lastRunAtMs + this.everyMs;
    return end - nowMs;
  }

  isDue(lastRunAtMs: number, nowMs: number): ScheduleState {
    const remMs = Math.max(this.remainingEstimate(lastRunAtMs, nowMs), 0);
    if (remMs > 0) return { isDue: false, nextSeconds: remMs / 1000 };
    let nextMs = this.everyMs;
    if (this.relative) {
      // Celery 5.7 realigns a due relative schedule to the next rounded boundary after now.
      const n = this.remainingEstimate(nowMs, nowMs);
      if (n > 0) nextMs = n;
    }
    return { isDue: true, nextSeconds: nextMs / 1000 };
  }

  /** Celery's `remaining(..., relative=True)` end date (C:celery/utils/time.py): rounded local deadlines by UTC. */
  private relativeEnd(start: number): number {
    const tz = this.timeZone;
    const every = this.everyMs;
    const startWall = toWall(tz, start).wall;
    const dayResolution = every >= DAY_MS;
    const endWall = dayResolution ? startWall + every : toWall(tz, start + every).wall;
    let candidates = this.roundedInstants(endWall);
    if (dayResolution) {
      const future = candidates.filter((c) => c > start);
      return future.length > 0 ? Math.min(...future) : fromWall(tz, endWall, 0);
    }
    const endUtc = start + every;
    const beforeEnd = candidates.filter((c) => c <= endUtc);
    let rounded = beforeEnd.length > 0 ? Math.max(...beforeEnd) : Math.min(...candidates);
    if (every >= MINUTE_MS && rounded <= start) {
      const unit = every >= HOUR_MS ? HOUR_MS : MINUTE_MS;
      candidates = [...candidates, ...this.roundedInstants(endWall + unit), ...this.roundedInstants(startWall + every)];
      const future = candidates.filter((c) => c > start);
      const futureBeforeEnd = future.filter((c) => c <= endUtc);
      rounded = futureBeforeEnd.length > 0 ? Math.max(...futureBeforeEnd) : future.length > 0 ? Math.min(...future) : endUtc;
    }
    return rounded;
  }

  /** `_relative_end_dates`: both occurrences (fold 0 and 1) of the wall time rounded to the interval's resolution. */
  private roundedInstants(wall: WallMs): number[] {
    const seconds = Math.max(this.everyMs / 1000, 0);
    const unit = seconds >= 86_400 ? DAY_MS : seconds >= 3600 ? HOUR_MS : seconds >= 60 ? MINUTE_MS : 1000;
    const rounded = Math.floor(wall / unit) * unit;
    const resolved = isImaginary(this.timeZone, rounded) ? resolveImaginary(this.timeZone, rounded) : rounded;
    return [fromWall(this.timeZone, resolved, 0), fromWall(this.timeZone, resolved, 1)];
  }
}
