import { CeleryProtoError } from "../errors/celery-proto-error.js";

/**
 * Wall-clock arithmetic in an IANA time zone with Python `zoneinfo` semantics (PEP 495), which is what Celery's
 * schedules use: a wall time is a naive datetime, turned into an instant with `fold` 0 (the offset in effect before a
 * transition: the first of two repeated times, and for a time in a spring-forward gap the pre-transition offset, so
 * 02:30 in a 02:00→03:00 gap becomes 03:30).
 *
 * A wall time is represented as the milliseconds of the same fields read as UTC (`Date.UTC(y, m-1, d, h, mi, s)`).
 */
export type WallMs = number;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (e) {
      throw new CeleryProtoError("InvalidOption", `timezone: unknown IANA time zone ${JSON.stringify(timeZone)}`, { cause: e });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws InvalidOption naming `timezone` when the zone is unknown. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The UTC offset (ms, east positive) of `timeZone` at the instant `utcMs`. */
export function offsetAt(timeZone: string, utcMs: number): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts = formatterFor(timeZone).formatToParts(new Date(whole));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - whole;
}

/** The wall time of the instant `utcMs` in `timeZone`, with Python's `fold` (1 for the second of two repeated times). */
export function toWall(timeZone: string, utcMs: number): { wall: WallMs; fold: 0 | 1 } {
  const wall = utcMs + offsetAt(timeZone, utcMs);
  return { wall, fold: fromWall(timeZone, wall, 0) === utcMs ? 0 : 1 };
}

/** The instant of a wall time (zoneinfo `fold` rules, see the module comment). */
export function fromWall(timeZone: string, wall: WallMs, fold: 0 | 1 = 0): number {
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const valid = (offset: number): boolean => offsetAt(timeZone, wall - offset) === offset;
  if (fold === 0) {
    if (valid(before)) return wall - before;
    if (valid(after)) return wall - after;
    return wall - before;
  }
  if (valid(after)) return wall - after;
  if (valid(before)) return wall - before;
  return wall - after;
}

/** True when the wall time does not exist (falls in a spring-forward gap). */
export function isImaginary(timeZone: string, wall: WallMs): boolean {
  return toWall(timeZone, fromWall(timeZone, wall, 0)).wall !== wall && toWall(timeZone, fromWall(timeZone, wall, 1)).wall !== wall;
}

/** dateutil's `resolve_imaginary`: a wall time in a gap moves forward by the size of the gap. */
export function resolveImaginary(timeZone: string, wall: WallMs): WallMs {
  if (!isImaginary(timeZone, wall)) return wall;
  return wall + offsetAt(timeZone, fromWall(timeZone, wall + DAY_MS, 0)) - offsetAt(timeZone, fromWall(timeZone, wall - DAY_MS, 0));
}

export interface WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
  /** 0 = Sunday (Celery's day-of-week numbering). */
  readonly dow: number;
}

export function wallFields(wall: WallMs): WallFields {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    dow: d.getUTCDay(),
  };
}

export function makeWall(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): WallMs {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
