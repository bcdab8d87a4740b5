/**
 * Where events and remote control report what Celery would log (`pidbox command error`, failed event publishes).
 * The worker's logger satisfies it; the default writes warnings and errors to stderr.
 */
export interface LogSink {
  info(message: string): void;
  warning(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  critical(message: string, error?: unknown): void;
}

/** Writes warnings and errors to stderr (with the error's message), drops info. */
export const STDERR_LOG_SINK: LogSink = Object.freeze({
  info() {},
  warning(message: string, error?: unknown) {
    process.stderr.write(`[WARNING] ${message}${describe(error)}\n`);
  },
  error(message: string, error?: unknown) {
    process.stderr.write(`[ERROR] ${message}${describe(error)}\n`);
  },
  critical(message: string, error?: unknown) {
    process.stderr.write(`[CRITICAL] ${message}${describe(error)}\n`);
  },
});

function describe(error: unknown): string {
  if (error === undefined) return "";
  return `: ${error instanceof Error ? error.message : String(error)}`;
}
