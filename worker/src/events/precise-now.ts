/**
 * The wall clock in milliseconds with a sub-millisecond fraction, for event timestamps: Python's `time.time()` has
 * microseconds, and Flower's prefetch time (started − received) of a task that starts within the millisecond it was
 * received would be 0 with `Date.now()`. The monotonic clock gives the fraction; it is re-anchored on `Date.now()`
 * whenever the two part by a millisecond or more (the system clock was stepped or slewed), so it never strays further.
 */
export function preciseNowMs(): number {
  const precise = anchor + performance.now();
  const coarse = Date.now();
  if (Math.abs(precise - coarse) < 1) return precise;
  anchor = coarse - performance.now();
  return coarse;
}

let anchor = Date.now() - performance.now();
