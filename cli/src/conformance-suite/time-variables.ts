const TIME_VARIABLE = /\$\{(now|unix)(?:([+-])(\d+(?:\.\d+)?))?\}/g;

/**
 * `value` with the time variables in its strings replaced, relative to `startMs` (when the case starts):
 * `${now+S}` is the UTC time S seconds later as Python's `isoformat()` writes it (`2026-01-02T03:04:05.123000+00:00`,
 * for `eta` / `expires`), `${unix+S}` the same time in seconds since the epoch (a number when it is the whole string,
 * for `$gte` against `peer.now`'s result). `-S` counts back; without an offset, the start itself.
 */
export function resolveTimeVariables<T>(value: T, startMs: number): T {
  return walk(value, startMs) as T;
}

function walk(value: unknown, startMs: number): unknown {
  if (typeof value === "string") {
    const whole = new RegExp(`^${TIME_VARIABLE.source}$`).exec(value);
    if (whole?.[1] === "unix") return at(startMs, whole[2], whole[3]) / 1000;
    return value.replace(TIME_VARIABLE, (_all, name: string, sign?: string, seconds?: string) => {
      const ms = at(startMs, sign, seconds);
      return name === "unix" ? String(ms / 1000) : pythonIsoformat(ms);
    });
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, startMs));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, startMs)]));
  return value;
}

function at(startMs: number, sign: string | undefined, seconds: string | undefined): number {
  const offset = seconds === undefined ? 0 : Number(seconds) * 1000;
  return startMs + (sign === "-" ? -offset : offset);
}

function pythonIsoformat(ms: number): string {
  return new Date(Math.round(ms)).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}
