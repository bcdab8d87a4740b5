const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Renames uuids by first appearance (`#1`, `#2`, ...; object keys visited in sorted order), so two canvas runs with
 * different random ids compare by how their ids relate. Dates are kept as they are.
 */
export function renameIds(value: unknown): unknown {
  const names = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string" && UUID.test(v)) {
      if (!names.has(v)) names.set(v, `#${names.size + 1}`);
      return names.get(v);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && !(v instanceof Date)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, walk(o[k])]),
      );
    }
    return v;
  };
  return walk(value);
}
