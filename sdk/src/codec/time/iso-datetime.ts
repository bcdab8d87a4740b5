import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** A date-time as Python wrote it, with what a JS `Date` cannot hold kept beside it. */
export interface ParsedIsoDateTime {
  /** The instant, to the millisecond. A naive value is read as UTC, as Celery's worker does. */
  readonly date: Date;
  /** Microseconds within the second (0–999999): the precision Python keeps. */
  readonly microsecond: number;
  /** UTC offset in minutes (east positive), or null when the text had no offset (naive). */
  readonly offsetMinutes: number | null;
}

// Every form Celery 5.2–5.6 writes or accepts: `T` or space, optional seconds, 1–9 fraction digits,
// `Z` or `±HH[:MM]` (or none: naive). dateutil.isoparse (5.3.5+) accepts all of these.
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Parses an ISO-8601 date-time in any form Celery writes; throws `InvalidDateTime` otherwise. */
export function parseIsoDateTime(text: string, what = "date-time"): ParsedIsoDateTime {
  const m = ISO_DATETIME.exec(text);
  if (m === null) throw invalid(text, what, "not an ISO-8601 date-time");
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) throw invalid(text, what, "month out of range");
  if (day < 1 || day > daysInMonth(year, month)) throw invalid(text, what, "day out of range");
  if (hour > 23 || minute > 59 || second > 59) throw invalid(text, what, "time out of range");
  const microsecond = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, "0"));
  let offsetMinutes: number | null = null;
  if (zulu !== undefined) offsetMinutes = 0;
  else if (sign !== undefined) {
    const hours = Number(oh);
    const minutes = Number(om ?? "0");
    if (hours > 23 || minutes > 59) throw invalid(text, what, "UTC offset out of range");
    offsetMinutes = (sign === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(microsecond / 1000)) - (offsetMinutes ?? 0) * 60_000;
  const date = new Date(utcMs);
  if (year < 100) date.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  return { date, microsecond, offsetMinutes };
}

/**
 * The form a TS producer writes for `eta` and `expires`: `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, always six fraction
 * digits and a numeric offset, which every Celery 5.x parser accepts (5.3.0–5.3.4 reject `Z` and 1–5 digits).
 */
export function formatCeleryDateTime(date: Date, microsecond?: number): string {
  assertValidDate(date);
  return `${formatDatePart(date)}T${formatTimePart(date, microsecond ?? date.getUTCMilliseconds() * 1000, true)}+00:00`;
}

/** Python's `datetime.isoformat()` of an aware UTC datetime: the fraction is omitted when it is zero. */
export function formatPythonIsoformat(date: Date, microsecond?: number): string {
  assertValidDate(date);
  return `${formatDatePart(date)}T${formatTimePart(date, microsecond ?? date.getUTCMilliseconds() * 1000, false)}+00:00`;
}

function formatDatePart(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

function formatTimePart(date: Date, microsecond: number, alwaysFraction: boolean): string {
  const base = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  return microsecond === 0 && !alwaysFraction ? base : `${base}.${pad(microsecond, 6)}`;
}

function assertValidDate(date: Date): void {
  if (Number.isNaN(date.getTime())) throw new CeleryProtoError("InvalidDateTime", "cannot format an invalid Date");
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function invalid(text: string, what: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidDateTime", `${what} ${JSON.stringify(text)} is invalid: ${reason}`, {
    details: [{ path: "", keyword: "format", message: reason }],
  });
}
