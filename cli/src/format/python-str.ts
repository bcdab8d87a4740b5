import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";

/** Python's `str(value)`: strings as they are, everything else as its repr (`True`, `None`, `{'a': 1}`, `2.0`). */
export function pythonStr(value: unknown): string {
  return typeof value === "string" ? value : safeRepr(value, { maxlen: Number.MAX_SAFE_INTEGER, maxlevels: 100 });
}

/** `str(datetime.fromtimestamp(ts, timezone.utc))`: `2025-01-31 12:00:00.250000+00:00` (no fraction when it is 0). */
export function pythonUtcDatetime(epochSeconds: number): string {
  const micros = Math.round(epochSeconds * 1e6);
  const date = new Date(Math.floor(micros / 1000));
  const fraction = ((micros % 1e6) + 1e6) % 1e6;
  const base = date.toISOString().slice(0, 19).replace("T", " ");
  return `${base}${fraction === 0 ? "" : `.${String(fraction).padStart(6, "0")}`}+00:00`;
}
