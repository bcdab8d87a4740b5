/** Longest delay `setTimeout` takes (2^31-1 ms, ~24.8 days). */
const MAX_DELAY_MS = 2_147_483_647;

/** Calls `callback` at the epoch-milliseconds time `at` however far away, in hops; returns a cancel function. */
export function setLongTimeout(callback: () => void, at: number): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    const delay = at - Date.now();
    if (delay <= 0) {
      timer = null;
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_DELAY_MS));
  };
  arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}
