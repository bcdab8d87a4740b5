import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta } from "../gen/json-schema/types.js";
import type { WaitOptions } from "./result-backend.js";

/** One caller waiting for one task's ready meta. */
export interface PendingWait {
  readonly promise: Promise<ResultMeta>;
  /**
   * Call once the backend has done its initial check (subscribe + GET): a timeout that expired during the check
   * rejects now, so `timeoutMs: 0` means "check once", as in Celery.
   */
  arm(): void;
  /** Rejects this wait alone. */
  fail(error: unknown): void;
}

interface Entry {
  readonly taskId: string;
  readonly resolve: (meta: ResultMeta) => void;
  readonly reject: (error: unknown) => void;
  readonly onMessage: ((meta: ResultMeta) => void) | undefined;
  readonly cleanup: () => void;
  armed: boolean;
  expired: boolean;
  settled: boolean;
}

/**
 * The waits a result backend has in flight, keyed by task id, with a hard limit. A wait ends by `resolve` (ready
 * meta), its timeout (`Timeout`), its abort signal, `fail`, or `rejectAll` (close). `onIdle` is called when the
 * last wait for a task ends, so the backend can drop its subscription.
 */
export class PendingWaits {
  private readonly byTask = new Map<string, Set<Entry>>();
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly limitOption: string,
    private readonly onIdle: (taskId: string) => void = () => {},
  ) {}

  get size(): number {
    return this.count;
  }

  has(taskId: string): boolean {
    return this.byTask.has(taskId);
  }

  taskIds(): string[] {
    return [...this.byTask.keys()];
  }

  /** Registers a wait; throws `BufferOverflow` (naming the limit's option) when `limit` waits are already pending. */
  add(taskId: string, options: WaitOptions = {}): PendingWait {
    const { timeoutMs, signal, onMessage } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new CeleryProtoError("InvalidOption", `timeoutMs must be a finite number >= 0 (got ${String(timeoutMs)})`);
    }
    if (signal?.aborted === true) throw signal.reason;
    if (this.count >= this.limit) {
      throw new CeleryProtoError(
        "BufferOverflow",
        `too many pending result waits (${this.limit}); raise ${this.limitOption} or wait for fewer results at once`,
      );
    }
    let resolveFn!: (meta: ResultMeta) => void;
    let rejectFn!: (error: unknown) => void;
    const promise = new Promise<ResultMeta>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => this.settle(entry, signal?.reason);
    const entry: Entry = {
      taskId,
      resolve: resolveFn,
      reject: rejectFn,
      onMessage,
      armed: false,
      expired: false,
      settled: false,
      cleanup: () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      },
    };
    const set = this.byTask.get(taskId) ?? new Set<Entry>();
    set.add(entry);
    this.byTask.set(taskId, set);
    this.count++;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        entry.expired = true;
        if (entry.armed) this.settle(entry, timeoutError(taskId, timeoutMs));
      }, timeoutMs);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    return {
      promise,
      arm: () => {
        entry.armed = true;
        if (entry.expired && timeoutMs !== undefined) this.settle(entry, timeoutError(taskId, timeoutMs));
      },
      fail: (error) => this.settle(entry, error),
    };
  }

  /** Passes a received (not necessarily ready) meta to every wait's `onMessage`. */
  notify(taskId: string, meta: ResultMeta): void {
    for (const entry of this.byTask.get(taskId) ?? []) {
      try {
        entry.onMessage?.(meta);
      } catch {
        // A throwing listener must not break delivery to the other waits.
      }
    }
  }

  /** Resolves every wait for the task with its ready meta. */
  resolve(taskId: string, meta: ResultMeta): void {
    for (const entry of [...(this.byTask.get(taskId) ?? [])]) this.settle(entry, undefined, meta);
  }

  /** Rejects every wait for one task. */
  rejectTask(taskId: string, error: unknown): void {
    for (const entry of [...(this.byTask.get(taskId) ?? [])]) this.settle(entry, error);
  }

  /** Rejects every wait (backend closed). */
  rejectAll(error: unknown): void {
    for (const taskId of this.taskIds()) this.rejectTask(taskId, error);
  }

  private settle(entry: Entry, error: unknown, meta?: ResultMeta): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.cleanup();
    this.count--;
    const set = this.byTask.get(entry.taskId);
    set?.delete(entry);
    if (set !== undefined && set.size === 0) {
      this.byTask.delete(entry.taskId);
      this.onIdle(entry.taskId);
    }
    if (meta !== undefined) entry.resolve(meta);
    else entry.reject(error);
  }
}

function timeoutError(taskId: string, timeoutMs: number): CeleryProtoError {
  return new CeleryProtoError("Timeout", `the result of task ${taskId} was not ready within ${timeoutMs} ms (timeoutMs)`);
}
