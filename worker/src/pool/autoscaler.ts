import type { WorkerLogger } from "../logging/worker-logger.js";

/** What the autoscaler reads and changes (the worker wires it to its pool and consumer). */
export interface AutoscalerOptions {
  /** Most executions. */
  readonly max: number;
  /** Fewest executions (Celery's `min_concurrency`; the pool itself never goes below 1). */
  readonly min: number;
  /** Seconds after the last growth before the pool may shrink (Celery's `AUTOSCALE_KEEPALIVE`, 30). */
  readonly keepaliveSeconds: number;
  /** The pool's size now (`pool.num_processes`). */
  readonly processes: () => number;
  /** Requests reserved by the worker, running ones included (Celery's `len(state.reserved_requests)`). */
  readonly qty: () => number;
  /** Grows or shrinks the pool to `n` (a shrink retires idle executions first, busy ones when they finish). */
  readonly resize: (n: number) => void;
  /** Moves the prefetch by `diff` executions when `max` changes (Celery's `_update_consumer_prefetch_count`). */
  readonly movePrefetch: (diff: number) => void;
  readonly logger: WorkerLogger;
  /** Monotonic clock, ms. Default `performance.now()`. */
  readonly now?: () => number;
}

/** `stats` → `autoscaler`, as Celery's `Autoscaler.info()`. */
export interface AutoscalerInfo {
  readonly max: number;
  readonly min: number;
  readonly current: number;
  readonly qty: number;
}

/**
 * Celery's `Autoscaler` (C:celery/worker/autoscale.py): `maybeScale()` grows the pool to the number of reserved
 * requests (at most `max`) at once, and shrinks it towards that number (at least `min`) only once `keepaliveSeconds`
 * have passed since it last grew. The worker calls it every second (`start`) — Celery's event loop calls it on every
 * task message and every keepalive.
 */
export class Autoscaler {
  private maxConcurrency: number;
  private minConcurrency: number;
  private lastScaleUp: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: AutoscalerOptions) {
    this.maxConcurrency = options.max;
    this.minConcurrency = options.min;
    this.now = options.now ?? (() => performance.now());
  }

  get max(): number {
    return this.maxConcurrency;
  }

  get min(): number {
    return this.minConcurrency;
  }

  /** Calls `maybeScale` every `intervalMs` until `stop()`. */
  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.maybeScale(), intervalMs).unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scaling decision; true when the pool was resized. */
  maybeScale(): boolean {
    const procs = this.options.processes();
    const qty = this.options.qty();
    const up = Math.min(qty, this.maxConcurrency);
    if (up > procs) {
      this.scaleUp(up - procs);
      return true;
    }
    const down = Math.max(qty, this.minConcurrency, 1);
    if (down < procs) return this.scaleDown(procs - down);
    return false;
  }

  /** The `autoscale` control command: new bounds (null keeps one); returns the bounds now in force. */
  update(max: number | null, min: number | null): readonly [number, number] {
    if (max !== null) {
      if (max < this.options.processes()) this.shrink(this.options.processes() - max);
      if (max !== this.maxConcurrency) this.options.movePrefetch(max - this.maxConcurrency);
      this.maxConcurrency = max;
    }
    if (min !== null) {
      if (min > this.options.processes()) this.grow(min - this.options.processes());
      this.minConcurrency = min;
    }
    return [this.maxConcurrency, this.minConcurrency];
  }

  info(): AutoscalerInfo {
    return { max: this.maxConcurrency, min: this.minConcurrency, current: this.options.processes(), qty: this.options.qty() };
  }

  private scaleUp(n: number): void {
    this.lastScaleUp = this.now();
    this.grow(n);
  }

  private scaleDown(n: number): boolean {
    if (this.lastScaleUp === null || this.now() - this.lastScaleUp <= this.options.keepaliveSeconds * 1000) return false;
    this.shrink(n);
    return true;
  }

  private grow(n: number): void {
    this.options.logger.info(`Scaling up ${n} processes.`);
    this.options.resize(this.options.processes() + n);
  }

  private shrink(n: number): void {
    this.options.logger.info(`Scaling down ${n} processes.`);
    this.options.resize(Math.max(1, this.options.processes() - n));
  }
}
