import { preciseNowMs } from "./precise-now.js";
import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";

/** The fields `EventDispatcher` adds to every event (C:celery/events/dispatcher.py `_prepare_event`). */
export interface EventOrigin {
  /** Sender node name (`celery@host`). */
  readonly hostname: string;
  /** Hours west of UTC (see `eventUtcOffset`). */
  readonly utcoffset: number;
  readonly pid: number;
  /** The Lamport clock after `forward()`; null for "blind" events. */
  readonly clock: number | null;
}

const ORIGIN_KEYS = new Set(["hostname", "utcoffset", "pid", "clock", "type"]);
/** Fields Celery always sends as floats: written as `1.0`, never `1`, so Python reads a float. */
const FLOAT_FIELDS = new Set(["runtime", "timestamp"]);

/**
 * One event body in Celery's key order: `hostname, utcoffset, pid, clock`, the type-specific fields, then
 * `timestamp` (unless given) and `type` (C:celery/events/event.py `Event`). `utcoffset` and `timestamp` are written
 * as floats (Celery 5.7 sends `0.0`); so is `runtime`. Fields named like the common ones are ignored.
 */
export function buildEvent(
  type: string,
  fields: Readonly<Record<string, unknown>>,
  origin: EventOrigin,
  nowMs: number = preciseNowMs(),
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    hostname: origin.hostname,
    utcoffset: new PyFloat(origin.utcoffset),
    pid: origin.pid,
    clock: origin.clock,
  };
  for (const [key, value] of Object.entries(fields)) {
    if (ORIGIN_KEYS.has(key) || value === undefined) continue;
    event[key] = FLOAT_FIELDS.has(key) && typeof value === "number" ? new PyFloat(value) : value;
  }
  if (!("timestamp" in event)) event["timestamp"] = new PyFloat(nowMs / 1000);
  event["type"] = type;
  return event;
}

/** `group_from(type)`: the part before the first `-` (`task-succeeded` → `task`). */
export function eventGroup(type: string): string {
  const dash = type.indexOf("-");
  return dash === -1 ? type : type.slice(0, dash);
}

/** The routing key of an event: its type with `-` replaced by `.` (`task-succeeded` → `task.succeeded`). */
export function eventRoutingKey(type: string): string {
  return type.replace(/-/g, ".");
}
