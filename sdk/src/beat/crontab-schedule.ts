import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { type CrontabFieldSpec, parseCrontabField } from "./parse-crontab-field.js";
import type { Schedule, ScheduleState } from "./schedule-state.js";
import { assertTimeZone, daysInMonth, fromWall, makeWall, resolveImaginary, toWall, type WallMs, wallFields } from "./zoned-wall-time.js";

const DAY_MS = 86_400_000;
/** Longest month lengths (leap February), for Celery 5.7's "this day never occurs" check. */
const LONGEST_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Celery's `crontab(minute, hour, day_of_week, day_of_month, month_of_year)`; omitted fields are `'*'`. */
export interface CrontabFields {
  readonly minute?: CrontabFieldSpec;
  readonly hour?: CrontabFieldSpec;
  readonly day_of_week?: CrontabFieldSpec;
  readonly day_of_month?: CrontabFieldSpec;
  readonly month_of_year?: CrontabFieldSpec;
}

export interface CrontabScheduleOptions {
  /** IANA zone the crontab is evaluated in (Celery's `app.timezone`). Default `UTC`. */
  readonly timeZone?: string;
  /** Celery's `beat_cron_starting_deadline` (seconds): a missed run older than this is skipped. Default none. */
  readonly startingDeadlineSeconds?: number | null;
}

/** Celery's `crontab.from_string("m h dom mon dow")`. */
export function parseCronExpression(expression: string): CrontabFields {
  const parts = expression.trim().split(/\s+/u);
  if (parts.length !== 5) {
    throw new CeleryProtoError(
      "InvalidOption",
      `cron: expected 5 fields 'minute hour day_of_month month_of_year day_of_week', got ${JSON.stringify(expression)}`,
    );
  }
  const [minute, hour, dayOfMonth, monthOfYear, dayOfWeek] = parts as [string, string, string, string, string];
  return { minute, hour, day_of_month: dayOfMonth, month_of_year: monthOfYear, day_of_week: dayOfWeek };
}

/**
 * A crontab schedule with Celery 5.7's exact next-run arithmetic (C:celery/schedules.py `crontab.remaining_delta`):
 * the next slot is found from `last_run_at`'s wall-clock fields in the schedule zone, built as a wall time, and turned
 * into an instant with zoneinfo `fold=0` rules (see zoned-wall-time.ts).
 */
export class CrontabSchedule implements Schedule {
  private readonly minutes: readonly number[];
  private readonly hours: readonly number[];
  private readonly daysOfWeek: ReadonlySet<number>;
  private readonly daysOfMonth: readonly number[];
  private readonly monthsOfYear: readonly number[];
  private readonly allDomMoy: boolean;
  private readonly timeZone: string;
  private readonly deadlineSeconds: number | null;
  private readonly original: Required<CrontabFields>;

  constructor(fields: CrontabFields, options: CrontabScheduleOptions = {}) {
    this.original = {
      minute: fields.minute ?? "*",
      hour: fields.hour ?? "*",
      day_of_week: fields.day_of_week ?? "*",
      day_of_month: fields.day_of_month ?? "*",
      month_of_year: fields.month_of_year ?? "*",
    };
    this.hours = parseCrontabField(this.original.hour, "hour", 24);
    this.minutes = parseCrontabField(this.original.minute, "minute", 60);
    this.daysOfWeek = new Set(parseCrontabField(this.original.day_of_week, "day_of_week", 7));
    this.daysOfMonth = parseCrontabField(this.original.day_of_month, "day_of_month", 31, 1);
    this.monthsOfYear = parseCrontabField(this.original.month_of_year, "month_of_year", 12, 1);
    if (!this.monthsOfYear.some((m) => this.daysOfMonth.some((d) => d <= LONGEST_MONTH[m]!))) {
      throw new CeleryProtoError(
        "InvalidOption",
        `crontab day_of_month: ${JSON.stringify(this.original.day_of_month)} never occurs in month_of_year ${JSON.stringify(this.original.month_of_year)}`,
      );
    }
    this.allDomMoy = this.original.day_of_month === "*" && this.original.month_of_year === "*";
    this.timeZone = options.timeZone ?? "UTC";
    assertTimeZone(this.timeZone);
    this.deadlineSeconds = options.startingDeadlineSeconds ?? null;
  }

  describe(): string {
    const o = this.original;
    const f = (v: CrontabFieldSpec): string => (Array.isArray(v) ? `{${v.join(", ")}}` : String(v));
    return `<crontab: ${f(o.minute)} ${f(o.hour)} ${f(o.day_of_month)} ${f(o.month_of_year)} ${f(o.day_of_week)} (m/h/dM/MY/d)>`;
  }

  /** The instant (epoch ms) of the first slot after `lastRunAtMs`, by Celery's arithmetic. */
  nextRunAfter(lastRunAtMs: number): number {
    const lastWall = toWall(this.timeZone, lastRunAtMs).wall;
    const last = wallFields(lastWall);
    const maxMinute = this.minutes[this.minutes.length - 1]!;
    const maxHour = this.hours[this.hours.length - 1]!;
    const executeThisDate = this.monthsOfYear.includes(last.month) && this.daysOfMonth.includes(last.day) && this.daysOfWeek.has(last.dow);
    let endWall: WallMs;
    if (executeThisDate && this.hours.includes(last.hour) && last.minute < maxMinute) {
      const nextMinute = this.minutes.find((m) => m > last.minute)!;
      endWall = fastForward(lastWall, { minute: nextMinute });
    } else {
      const nextMinute = this.minutes[0]!;
      if (executeThisDate && last.hour < maxHour) {
        const nextHour = this.hours.find((h) => h > last.hour)!;
        endWall = fastForward(lastWall, { hour: nextHour, minute: nextMinute });
      } else {
        const nextHour = this.hours[0]!;
        if (this.allDomMoy) {
          const sortedDow = [...this.daysOfWeek].sort((a, b) => a - b);
          const nextDay = sortedDow.find((d) => d > last.dow) ?? sortedDow[0]!;
          endWall = fastForward(lastWall, {
            weeks: nextDay === last.dow ? 1 : 0,
            weekday: (nextDay + 6) % 7,
            hour: nextHour,
            minute: nextMinute,
          });
        } else {
          endWall = this.deltaToNext(lastWall, nextHour, nextMinute);
        }
      }
    }
    return fromWall(this.timeZone, endWall, 0);
  }

  remainingEstimate(lastRunAtMs: number, nowMs: number): number {
    return this.nextRunAfter(lastRunAtMs) - nowMs;
  }

  isDue(lastRunAtMs: number, nowMs: number): ScheduleState {
    const remMs = this.remainingEstimate(lastRunAtMs, nowMs);
    let isDue = remMs <= 0;
    let nextMs = Math.max(remMs, 0);
    let passedDeadline = false;
    if (this.deadlineSeconds !== null && remMs < 0) {
      // No slot in [now - deadline, now]: the most recent missed run is too stale to catch up (5.7 semantics).
      const since = nowMs - this.deadlineSeconds * 1000 - 0.001;
      if (this.remainingEstimate(since, nowMs) > 0) {
        passedDeadline = true;
        isDue = false;
      }
    }
    if (isDue || passedDeadline) nextMs = Math.max(this.remainingEstimate(nowMs, nowMs), 0);
    return { isDue, nextSeconds: nextMs / 1000 };
  }

  /** Celery's `_delta_to_next`: the next day allowed by day_of_month AND month_of_year AND day_of_week. */
  private deltaToNext(lastWall: WallMs, nextHour: number, nextMinute: number): WallMs {
    const last = wallFields(lastWall);
    const doms = this.daysOfMonth;
    const moys = this.monthsOfYear;
    let year = last.year;
    let dom: number;
    let moy: number;
    const dayOutOfRange = (y: number, m: number, d: number): boolean => d > daysInMonth(y, m);
    const beforeLastRun = (y: number, m: number, d: number): boolean => resolveImaginary(this.timeZone, makeWall(y, m, d, nextHour, nextMinute)) < lastWall;
    const rollOver = (): void => {
      for (let i = 0; i < 2000; i++) {
        if (dom === doms.length || dayOutOfRange(year, moys[moy]!, doms[dom]!) || beforeLastRun(year, moys[moy]!, doms[dom]!)) {
          dom = 0;
          moy += 1;
          if (moy === moys.length) {
            moy = 0;
            year += 1;
          }
        } else {
          return;
        }
      }
      throw new CeleryProtoError("InvalidOption", `crontab: unable to roll over, the time specification ${this.describe()} is probably invalid`);
    };
    if (moys.includes(last.month)) {
      dom = bisectRight(doms, last.day);
      moy = bisectLeft(moys, last.month);
    } else {
      dom = 0;
      moy = bisectRight(moys, last.month);
      if (moy === moys.length) moy = 0;
    }
    rollOver();
    for (let guard = 0; ; guard++) {
      if (guard > 100_000) throw new CeleryProtoError("InvalidOption", `crontab: no day matches ${this.describe()}`);
      const dow = new Date(Date.UTC(year, moys[moy]! - 1, doms[dom]!)).getUTCDay();
      if (this.daysOfWeek.has(dow)) break;
      dom += 1;
      rollOver();
    }
    return fastForward(lastWall, { year, month: moys[moy]!, day: doms[dom]!, hour: nextHour, minute: nextMinute });
  }
}

interface FastForward {
  readonly year?: number;
  readonly month?: number;
  readonly day?: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly weeks?: number;
  /** Python numbering: 0 = Monday. */
  readonly weekday?: number;
}

/** Celery's `ffwd` (a relativedelta subset) added to a wall time; seconds and microseconds become 0. */
function fastForward(base: WallMs, f: FastForward): WallMs {
  const b = wallFields(base);
  const year = f.year ?? b.year;
  const month = f.month ?? b.month;
  const day = Math.min(daysInMonth(year, month), f.day ?? b.day);
  let ret = makeWall(year, month, day, f.hour ?? b.hour, f.minute ?? b.minute, 0, 0);
  if (f.weekday !== undefined) {
    const pythonWeekday = (wallFields(ret).dow + 6) % 7;
    ret += ((7 - pythonWeekday + f.weekday) % 7) * DAY_MS;
  }
  return ret + (f.weeks ?? 0) * 7 * DAY_MS;
}

function bisectRight(sorted: readonly number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i]! <= x) i++;
  return i;
}

function bisectLeft(sorted: readonly number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i]! < x) i++;
  return i;
}
