/**
 * Celery's `EventReceiver.event_from_message` localization: `timestamp` is moved from the sender's time zone to this
 * host's (`adjust_timestamp`: `ts - (utcoffset - local_utcoffset) * 3600`, offsets in hours west of UTC), and
 * `local_received` is set to now.
 */
export function localizeEvent(body: Record<string, unknown>, now: number = Date.now() / 1000): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  const timestamp = Number(body["timestamp"]);
  const offset = Number(body["utcoffset"]);
  if (Number.isFinite(timestamp) && Number.isFinite(offset)) out["timestamp"] = timestamp - (offset - new Date(now * 1000).getTimezoneOffset() / 60) * 3600;
  out["local_received"] = now;
  return out;
}
