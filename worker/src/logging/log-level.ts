import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** Python's logging levels, by the names Celery's `-l/--loglevel` takes. */
export const LOG_LEVELS = Object.freeze({ DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 });

export type LogLevel = keyof typeof LOG_LEVELS;

/** Aliases Python's logging accepts besides the five names (`celery.utils.log.mlevel`). */
const ALIASES: Readonly<Record<string, LogLevel>> = { WARN: "WARNING", FATAL: "CRITICAL" };

/** Reads a level as Celery does: any case, `warn`/`fatal` aliases, or the numeric value (10, 20, ...). */
export function parseLogLevel(value: string | number, option = "logLevel"): LogLevel {
  if (typeof value === "number" || /^\d+$/.test(value)) {
    const n = Number(value);
    const found = (Object.keys(LOG_LEVELS) as LogLevel[]).find((name) => LOG_LEVELS[name] === n);
    if (found !== undefined) return found;
  } else {
    const upper = value.trim().toUpperCase();
    if (upper in LOG_LEVELS) return upper as LogLevel;
    const alias = ALIASES[upper];
    if (alias !== undefined) return alias;
  }
  throw new CeleryProtoError("InvalidOption", `${option}: unknown log level ${JSON.stringify(value)}; use DEBUG, INFO, WARNING, ERROR or CRITICAL`);
}
