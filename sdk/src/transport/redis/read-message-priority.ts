/**
 * kombu's `_get_message_priority(message, reverse=False)`: Python `int()` of `properties.priority`, clamped to 0..9;
 * a value `int()` refuses (None, "x", NaN, a missing key) reads as the default priority 0.
 */
export function readMessagePriority(value: unknown): number {
  const n = pythonInt(value);
  if (n === null) return 0;
  return Math.max(Math.min(n, 9), 0);
}

function pythonInt(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return value > 9n ? 9 : value < 0n ? 0 : Number(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return null;
    // int(inf) raises OverflowError in Python; clamping gives the only sensible list.
    return Number.isFinite(value) ? Math.trunc(value) : value > 0 ? 9 : 0;
  }
  if (typeof value === "string") {
    // int(str): optional whitespace and sign, decimal digits with single underscores between them.
    const m = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(value);
    if (m === null) return null;
    const n = Number((m[2] as string).replace(/_/g, ""));
    return m[1] === "-" ? -n : n;
  }
  return null;
}

/** kombu's `Channel.priority(n)`: `steps[bisect(steps, n) - 1]`, including Python's `steps[-1]` below the first step. */
export function priorityStep(steps: readonly number[], priority: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (priority < (steps[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  const index = lo - 1;
  return steps[index < 0 ? steps.length + index : index] as number;
}
