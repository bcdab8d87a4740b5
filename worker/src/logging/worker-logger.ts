import { errorToExceptionInfo } from "../../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../../../sdk/src/codec/exceptions/format-python-traceback.js";
import { createBufferedWrite } from "./buffered-write.js";
import { LOG_LEVELS, type LogLevel } from "./log-level.js";

/** Where the worker writes its log lines. Messages are Celery's texts; `error` (if any) adds a traceback. */
export interface WorkerLogger {
  readonly level: LogLevel;
  isEnabledFor(level: LogLevel): boolean;
  log(level: LogLevel, message: string, error?: unknown): void;
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  critical(message: string, error?: unknown): void;
}

export interface CeleryLoggerOptions {
  /** Lowest level written. Default "WARNING" (Celery's default for `celery worker`). */
  readonly level?: LogLevel;
  /** Receives each formatted record, newline included. Default: stderr, one write per event-loop turn. */
  readonly write?: (text: string) => void;
  /** The `%(processName)s` field. Default "MainProcess". */
  readonly processName?: string;
  /** Clock for `%(asctime)s`. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * A logger writing Celery's worker format, `[%(asctime)s: %(levelname)s/%(processName)s] %(message)s`, e.g.
 * `[2025-01-31 12:00:00,123: INFO/MainProcess] Task tasks.add[<id>] received`. asctime is local time with
 * milliseconds after a comma, as Python's logging prints it. An error passed along is printed as a Python-shaped
 * traceback on the following lines (`exc_info=True`).
 */
export function createCeleryLogger(options: CeleryLoggerOptions = {}): WorkerLogger {
  const level = options.level ?? "WARNING";
  const write = options.write ?? createBufferedWrite(process.stderr);
  const processName = options.processName ?? "MainProcess";
  const now = options.now ?? (() => new Date());
  const isEnabledFor = (l: LogLevel): boolean => LOG_LEVELS[l] >= LOG_LEVELS[level];
  const ascTime = createAscTimeFormatter();
  const log = (l: LogLevel, message: string, error?: unknown): void => {
    if (!isEnabledFor(l)) return;
    let text = `[${ascTime(now())}: ${l}/${processName}] ${message}\n`;
    if (error !== undefined) text += formatPythonTraceback(error, errorToExceptionInfo(error));
    try {
      write(text);
    } catch {
      // A broken log stream must not take the worker down.
    }
  };
  return {
    level,
    isEnabledFor,
    log,
    debug: (m) => log("DEBUG", m),
    info: (m) => log("INFO", m),
    warning: (m, e) => log("WARNING", m, e),
    error: (m, e) => log("ERROR", m, e),
    critical: (m, e) => log("CRITICAL", m, e),
  };
}

/** `formatAscTime`, with the text up to the second kept while the second lasts (two lines per task). */
function createAscTimeFormatter(): (date: Date) => string {
  let second = Number.NaN;
  let upToSecond = "";
  return (date) => {
    const ms = date.getTime();
    const millis = ((ms % 1000) + 1000) % 1000;
    if (ms - millis !== second) {
      second = ms - millis;
      upToSecond = formatAscTime(date).slice(0, -3);
    }
    return upToSecond + (millis < 10 ? "00" : millis < 100 ? "0" : "") + millis;
  };
}

/** Python logging's default `asctime`: `YYYY-MM-DD HH:MM:SS,mmm` in local time. */
export function formatAscTime(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())},${p(date.getMilliseconds(), 3)}`;
}
