/** Values a case may refer to as `${name}` in its input and expectations: `peer_queue`, `ts_queue`, `queue`, `task_id`, `peer_node`. */
export type CaseVariables = Readonly<Record<string, string>>;

/** `value` with every `${name}` in its strings (keys included) replaced; an unknown name is left as written. */
export function interpolate<T>(value: T, vars: CaseVariables): T {
  return walk(value, vars) as T;
}

function walk(value: unknown, vars: CaseVariables): unknown {
  if (typeof value === "string") return value.replace(/\$\{([a-z_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  if (Array.isArray(value)) return value.map((v) => walk(v, vars));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [walk(k, vars) as string, walk(v, vars)]));
  return value;
}
