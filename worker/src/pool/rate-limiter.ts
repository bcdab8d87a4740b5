import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { RegisteredTask } from "../app/task-registry.js";
import { monotonicSeconds, TokenBucket } from "./token-bucket.js";
import { parseRateLimit } from "./parse-rate-limit.js";

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Monotonic clock in seconds for the buckets. Default `performance.now() / 1000`. */
  readonly now?: () => number;
  /** Celery's `worker_disable_rate_limits`: every `acquire` resolves at once. Default false. */
  readonly disabled?: boolean;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly detach: () => void;
}

/** One task name: its bucket (null = unlimited), the FIFO of executions waiting for a token, and the refill timer. */
interface Lane {
  readonly rate: string | number | null;
  readonly bucket: TokenBucket | null;
  readonly waiters: Waiter[];
  timer: NodeJS.Timeout | null;
}

/**
 * Per-task-name rate limiting, as Celery's consumer does it (C:celery/worker/consumer/consumer.py
 * `_limit_task`/`_schedule_bucket_request`): one capacity-1 token bucket per task name; executions of a name wait in
 * FIFO order for a token and never hold up other names. A bucket starts full, so the first execution runs at once.
 *
 * Runtime changes (`rate_limit` control command): `setRate` replaces the bucket, as Celery's `reset_rate_limits` does.
 * Deviation: executions already waiting move to the new bucket (released at once when the limit is removed), whereas
 * Celery keeps draining them through the old bucket — a request held by a `1/h` limit would wait up to an hour after
 * the limit was lifted.
 */
export class RateLimiter {
  private readonly lanes = new Map<string, Lane>();
  private readonly now: () => number;
  private readonly disabled: boolean;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? monotonicSeconds;
    this.disabled = options.disabled ?? false;
  }

  /** Sets (or with `null`/`""`/`0` removes) the limit of a task name. Throws `InvalidOption` for a malformed rate. */
  setRate(taskName: string, rate: string | number | null | undefined): void {
    const fillRate = parseRateLimit(rate);
    const previous = this.lanes.get(taskName);
    if (previous?.timer != null) clearTimeout(previous.timer);
    const lane: Lane = {
      rate: fillRate === 0 ? null : (rate ?? null),
      bucket: fillRate === 0 ? null : new TokenBucket(fillRate, 1, this.now),
      waiters: previous?.waiters ?? [],
      timer: null,
    };
    this.lanes.set(taskName, lane);
    this.drain(lane);
  }

  /** The limit in force for a task name as it was given (null = none). */
  rateOf(taskName: string): string | number | null {
    return this.lanes.get(taskName)?.rate ?? null;
  }

  /** Celery's `reset_rate_limits`: a fresh bucket for every registered task from its `rateLimit` option. */
  resetRateLimits(registry: { names(): readonly string[]; get(name: string): RegisteredTask | undefined }): void {
    for (const name of registry.names()) this.setRate(name, registry.get(name)?.options.rateLimit ?? null);
  }

  /**
   * Resolves when an execution of `taskName` may start (a token was consumed). Executions of one name are released in
   * call order. `signal` withdraws the request: the promise rejects with the signal's reason.
   */
  acquire(taskName: string, signal?: AbortSignal): Promise<void> {
    const lane = this.lanes.get(taskName);
    if (this.disabled || lane === undefined || lane.bucket === null) return Promise.resolve();
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const current = this.lanes.get(taskName);
        const index = current?.waiters.indexOf(waiter) ?? -1;
        if (current !== undefined && index !== -1) current.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      lane.waiters.push(waiter);
      this.drain(lane);
    });
  }

  /** Executions waiting for a token (for one name, or all). */
  pending(taskName?: string): number {
    if (taskName !== undefined) return this.lanes.get(taskName)?.waiters.length ?? 0;
    let total = 0;
    for (const lane of this.lanes.values()) total += lane.waiters.length;
    return total;
  }

  /**
   * Drops every waiting execution (Celery's `clear_pending` when the connection closes: the unacked messages come
   * back from the broker). Their promises reject with `reason`.
   */
  clearPending(reason: unknown = new CeleryProtoError("TransportClosed", "rate limiter: waiting executions dropped because the connection closed")): void {
    for (const lane of this.lanes.values()) {
      if (lane.timer !== null) clearTimeout(lane.timer);
      lane.timer = null;
      for (const waiter of lane.waiters.splice(0)) {
        waiter.detach();
        waiter.reject(reason);
      }
    }
  }

  /** `_schedule_bucket_request`: release waiters while tokens last, then wait `expected_time` for the next one. */
  private drain(lane: Lane): void {
    while (lane.waiters.length > 0) {
      if (lane.bucket === null || lane.bucket.canConsume(1)) {
        const waiter = lane.waiters.shift();
        waiter?.detach();
        waiter?.resolve();
        continue;
      }
      if (lane.timer === null) {
        const delayMs = Math.max(1, Math.ceil(lane.bucket.expectedTime(1) * 1000));
        lane.timer = setTimeout(() => {
          lane.timer = null;
          this.drain(lane);
        }, delayMs);
      }
      return;
    }
  }
}

/** A {@link RateLimiter}; call `resetRateLimits(registry)` (or `setRate`) to load the tasks' `rateLimit` options. */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  return new RateLimiter(options);
}
