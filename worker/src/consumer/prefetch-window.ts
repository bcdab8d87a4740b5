/** Celery: a prefetch count above this (basic.qos's 16 bits) disables the limit. */
export const PREFETCH_COUNT_MAX = 65_535;

/**
 * Celery's prefetch for a worker: `concurrency × worker_prefetch_multiplier`, 0 (no limit) when the multiplier is 0
 * or the product exceeds 65535 (C:celery/worker/consumer/consumer.py, K:kombu/common.py `QoS.set`).
 */
export function initialPrefetch(concurrency: number, multiplier: number): number {
  const value = concurrency * multiplier;
  return value > PREFETCH_COUNT_MAX ? 0 : value;
}

/**
 * kombu's `QoS` value for one consumer: raised by one for every ETA task held unacked and lowered again when it is
 * released (`increment_eventually` / `decrement_eventually`), never below 1, capped by `max` (Celery's
 * `worker_eta_task_limit`); 0 stays 0 (no limit).
 */
export class PrefetchWindow {
  constructor(
    private current: number,
    private readonly max: number | null,
  ) {}

  get value(): number {
    return this.current;
  }

  /** The value as basic.qos gets it: 0 (no limit) above 65535. */
  get qosValue(): number {
    return this.current > PREFETCH_COUNT_MAX ? 0 : this.current;
  }

  increment(n = 1): number {
    if (this.current) {
      const next = this.current + Math.max(n, 0);
      this.current = this.max !== null && next > this.max ? this.max : next;
    }
    return this.current;
  }

  decrement(n = 1): number {
    if (this.current) this.current = Math.max(1, this.current - n);
    return this.current;
  }
}
