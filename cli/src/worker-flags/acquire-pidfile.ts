import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** A pidfile this process holds; `release()` removes it (once, and only while it still names this process). */
export interface Pidfile {
  readonly path: string;
  release(): void;
}

/**
 * Celery's `create_pidlock` (C:celery/platforms.py `Pidfile`): refuses when `path` names a live process ("already
 * running"), removes a stale one (unreadable, or naming a process that is gone), then creates it exclusively with this
 * process's pid. The file is removed at `release()` and at process exit.
 */
export function acquirePidfile(path: string, pid: number = process.pid): Pidfile {
  const existing = readPid(path);
  if (existing !== undefined) {
    if (existing !== null && existing !== pid && isAlive(existing))
      throw new CeleryProtoError("InvalidOption", `--pidfile: Pidfile (${path}) already exists.\nSeems we're already running? (pid: ${existing})`);
    removeQuietly(path);
  }
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `--pidfile: cannot create ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    if (readPid(path) === pid) removeQuietly(path);
  };
  process.once("exit", release);
  return { path, release };
}

/** The pid in `path`: undefined when there is no file, null when it holds no pid. */
export function readPid(path: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Whether a process with this pid exists (signal 0; EPERM means it exists but is not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
