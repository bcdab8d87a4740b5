/**
 * The `utcoffset` field of events as Celery 5.7 computes it (C:celery/utils/time.py `utcoffset`): hours *west* of
 * UTC by true division (`time.timezone / 3600`, `time.altzone` during DST), so UTC+2 is -2.0 and UTC+5:30 is -5.5.
 * Celery 5.3 floor-divided to an int; receivers of both lines accept either.
 */
export function eventUtcOffset(now: Date = new Date()): number {
  return now.getTimezoneOffset() / 60;
}
