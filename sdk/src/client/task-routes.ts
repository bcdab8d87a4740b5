/** Where a task goes: Celery's route dict (`{"queue": ..., "exchange": ..., "routing_key": ..., "priority": ...}`). */
export interface TaskRoute {
  readonly queue?: string;
  readonly exchange?: string;
  readonly routingKey?: string;
  readonly priority?: number;
}

/** A router function, as in Celery's `task_routes`: return a route, or undefined to fall through to the next router. */
export type TaskRouter = (name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => TaskRoute | string | undefined;

/**
 * Celery's `task_routes`: a map from task name or glob (`"feed.*"`) to a route or a queue name, a router function,
 * or a list of those tried in order. Exact names win over globs within one map, as in Celery's `MapRoute`.
 */
export type TaskRoutes = Readonly<Record<string, TaskRoute | string>> | TaskRouter | ReadonlyArray<Readonly<Record<string, TaskRoute | string>> | TaskRouter>;

/** The route for a task, or undefined when no router matches (the default queue is used then). */
export function resolveRoute(
  routes: TaskRoutes | undefined,
  name: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): TaskRoute | undefined {
  if (routes === undefined) return undefined;
  const routers = Array.isArray(routes) ? routes : [routes];
  for (const router of routers as ReadonlyArray<Readonly<Record<string, TaskRoute | string>> | TaskRouter>) {
    const found = typeof router === "function" ? router(name, args, kwargs) : matchMap(router, name);
    if (found !== undefined) return typeof found === "string" ? { queue: found } : found;
  }
  return undefined;
}

function matchMap(map: Readonly<Record<string, TaskRoute | string>>, name: string): TaskRoute | string | undefined {
  const exact = map[name];
  if (exact !== undefined) return exact;
  for (const [pattern, route] of Object.entries(map)) {
    if (pattern.includes("*") || pattern.includes("?") || pattern.includes("[")) {
      if (globToRegExp(pattern).test(name)) return route;
    }
  }
  return undefined;
}

/** Python's fnmatch translation: `*` any run, `?` one character, `[...]` a class. */
function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, "s");
}
