/** The default reconnection delay: 100 ms, doubling per attempt, capped at 5 s; never gives up. */
export function defaultRedisBackoff(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(attempt - 1, 0), 16), 5000);
}
