/** Calls `check` every 250 ms until it resolves true; after `timeoutMs` throws with `describe()` (what it waited for). */
export async function poll(check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 250));
  }
}
