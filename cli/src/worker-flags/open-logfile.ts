import { closeSync, openSync, writeSync } from "node:fs";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** A log file opened for appending: `write` for `createCeleryLogger`, `close()` at exit. */
export interface Logfile {
  readonly path: string;
  readonly write: (text: string) => void;
  close(): void;
}

/**
 * `--logfile FILE`: appends the worker's log records to FILE (created if missing), as Celery's file handler does. The
 * records of one event-loop turn go out in one synchronous write, so nothing is lost when the process exits.
 */
export function openLogfile(path: string): Logfile {
  let fd: number;
  try {
    fd = openSync(path, "a", 0o644);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `--logfile: cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
  let pending = "";
  let closed = false;
  const flush = (): void => {
    if (pending === "" || closed) return;
    const text = pending;
    pending = "";
    try {
      writeSync(fd, text);
    } catch {
      // A full disk must not take the worker down.
    }
  };
  const close = (): void => {
    flush();
    if (closed) return;
    closed = true;
    process.removeListener("exit", close);
    closeSync(fd);
  };
  process.once("exit", close);
  return {
    path,
    write: (text) => {
      if (closed) return;
      if (pending === "") setImmediate(flush);
      pending += text;
    },
    close,
  };
}
