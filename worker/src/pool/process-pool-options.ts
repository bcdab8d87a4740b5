import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TaskRequest } from "../request/task-request.js";
import { resolveChildExecArgv } from "./resolve-child-exec-argv.js";
import { DEFAULT_SOFT_TIME_LIMIT_GRACE_MS } from "./start-limited-run.js";

/** Options of `createProcessPool`. */
export interface ProcessPoolOptions {
  /** Number of pool processes (Celery's `-c`). Required, an integer >= 1. */
  readonly concurrency: number;
  /**
   * Path (or `file:` URL) of the task module every pool process loads, by the worker's convention (`loadTaskModule`:
   * `register(registry)`, a `tasks` map, or either as the default export); relative paths resolve against the current
   * directory. Required.
   */
  readonly taskModule: string;
  /** Celery's `worker_max_tasks_per_child`: a process is replaced after this many tasks. Default null (never). */
  readonly maxTasksPerChild?: number | null;
  /**
   * Celery's `worker_max_memory_per_child`, KiB: a process whose resident memory is above this after a task is
   * replaced (billiard's check; the task's outcome stands). Default null (never).
   */
  readonly maxMemoryPerChild?: number | null;
  /** Told when a process is replaced for its memory (the worker logs billiard's warning). Default: nothing. */
  readonly onMaxMemoryExceeded?: (usedKiB: number, limitKiB: number) => void;
  /** `stats` → `pool.timeouts`, `[soft, hard]` seconds (the worker-wide limits; null = none). Default `[null, null]`. */
  readonly timeouts?: readonly [number | null, number | null];
  /** After a soft time limit, how long a handler may take to settle by itself (see `startLimitedRun`). Default 1000 ms. */
  readonly softTimeLimitGraceMs?: number;
  /**
   * Told when a process exits other than cleanly or when asked to (retired, `revoke --terminate`) — killed, crashed,
   * `process.exit` in a task, or killed for a hard time limit — with its name (`ForkPoolWorker-<n>`, billiard's) and its exit status (`signal 9 (SIGKILL)`, `exitcode 1`); the worker
   * logs billiard's error line. A fresh process replaces it either way. Default: nothing.
   */
  readonly onProcessExited?: (name: string, pid: number, status: string) => void;
  /** Told when a soft time limit fires (the worker logs Celery's warning). Default: nothing. */
  readonly onSoftTimeLimit?: (request: TaskRequest, seconds: number) => void;
  /** Node options for the pool processes. Default: the parent's (`resolveChildExecArgv(process.execArgv)`). */
  readonly execArgv?: readonly string[];
  /** Environment of the pool processes. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long a process asked to exit (retired, shrunk, closed) may take before it is killed. Default 5000 ms. */
  readonly exitTimeoutMs?: number;
  /**
   * The child entry module. Default `pool-child-main` next to this file (`.ts` under tsx, `.js` when built); a bundle
   * must ship it as its own entry point.
   */
  readonly childEntry?: string | URL;
}

/** The options' defaults. */
export const DEFAULT_PROCESS_POOL_OPTIONS = Object.freeze({
  maxTasksPerChild: null as number | null,
  maxMemoryPerChild: null as number | null,
  softTimeLimitGraceMs: DEFAULT_SOFT_TIME_LIMIT_GRACE_MS,
  exitTimeoutMs: 5000,
});

/** `ProcessPoolOptions` with defaults applied and checked. */
export interface CompiledProcessPoolOptions {
  readonly concurrency: number;
  readonly taskModule: string;
  readonly maxTasksPerChild: number | null;
  readonly maxMemoryPerChild: number | null;
  readonly onMaxMemoryExceeded: ((usedKiB: number, limitKiB: number) => void) | null;
  readonly timeouts: readonly [number | null, number | null];
  readonly softTimeLimitGraceMs: number;
  readonly onSoftTimeLimit: ((request: TaskRequest, seconds: number) => void) | null;
  readonly onProcessExited: ((name: string, pid: number, status: string) => void) | null;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly exitTimeoutMs: number;
  readonly childEntry: string;
}

/** Applies the defaults and rejects bad values with an `InvalidOption` error naming the option. */
export function compileProcessPoolOptions(options: ProcessPoolOptions): CompiledProcessPoolOptions {
  checkConcurrency(options.concurrency);
  if (typeof options.taskModule !== "string" || options.taskModule === "") {
    throw new CeleryProtoError("InvalidOption", "taskModule: the path of the task module the pool processes load is required");
  }
  const maxTasksPerChild = options.maxTasksPerChild ?? DEFAULT_PROCESS_POOL_OPTIONS.maxTasksPerChild;
  if (maxTasksPerChild !== null && (!Number.isSafeInteger(maxTasksPerChild) || maxTasksPerChild < 1)) {
    throw new CeleryProtoError("InvalidOption", `maxTasksPerChild: must be an integer >= 1 or null, got ${String(maxTasksPerChild)}`);
  }
  const maxMemoryPerChild = options.maxMemoryPerChild ?? DEFAULT_PROCESS_POOL_OPTIONS.maxMemoryPerChild;
  if (maxMemoryPerChild !== null && (!Number.isSafeInteger(maxMemoryPerChild) || maxMemoryPerChild < 1)) {
    throw new CeleryProtoError("InvalidOption", `maxMemoryPerChild: must be an integer >= 1 (KiB) or null, got ${String(maxMemoryPerChild)}`);
  }
  const softTimeLimitGraceMs = options.softTimeLimitGraceMs ?? DEFAULT_PROCESS_POOL_OPTIONS.softTimeLimitGraceMs;
  checkNonNegative("softTimeLimitGraceMs", softTimeLimitGraceMs);
  const exitTimeoutMs = options.exitTimeoutMs ?? DEFAULT_PROCESS_POOL_OPTIONS.exitTimeoutMs;
  checkNonNegative("exitTimeoutMs", exitTimeoutMs);
  return Object.freeze({
    concurrency: options.concurrency,
    taskModule: options.taskModule.startsWith("file:") ? fileURLToPath(options.taskModule) : path.resolve(options.taskModule),
    maxTasksPerChild,
    maxMemoryPerChild,
    onMaxMemoryExceeded: options.onMaxMemoryExceeded ?? null,
    timeouts: Object.freeze([options.timeouts?.[0] ?? null, options.timeouts?.[1] ?? null] as const),
    softTimeLimitGraceMs,
    onSoftTimeLimit: options.onSoftTimeLimit ?? null,
    onProcessExited: options.onProcessExited ?? null,
    execArgv: Object.freeze([...(options.execArgv ?? resolveChildExecArgv())]),
    env: options.env ?? process.env,
    exitTimeoutMs,
    childEntry: resolveChildEntry(options.childEntry),
  });
}

export function checkConcurrency(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new CeleryProtoError("InvalidOption", `concurrency: must be an integer >= 1, got ${String(n)}`);
  return n;
}

function checkNonNegative(option: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new CeleryProtoError("InvalidOption", `${option}: must be a number >= 0, got ${String(value)}`);
  }
}

function resolveChildEntry(entry: string | URL | undefined): string {
  if (entry instanceof URL) return fileURLToPath(entry);
  if (typeof entry === "string") return entry.startsWith("file:") ? fileURLToPath(entry) : path.resolve(entry);
  const self = fileURLToPath(import.meta.url);
  // From sources (tsx) the entry is this file's sibling; in the built package this code sits in a shared chunk at the
  // root of dist/ or in dist/worker/, and the entry is dist/worker/pool-child-main.js (tsup.config.ts).
  const candidates = [path.join(path.dirname(self), `pool-child-main${path.extname(self)}`), path.join(path.dirname(self), "worker", "pool-child-main.js")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined)
    throw new CeleryProtoError(
      "InvalidOption",
      `pool: the process pool's child entry is missing (looked for ${candidates.join(" and ")}); reinstall celery-proto or pass childEntry`,
    );
  return found;
}
