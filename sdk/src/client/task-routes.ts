import type { RouteMap, RouteSetting } from "../config/celery-settings.js";
import { createMapRoute } from "../routing/create-map-route.js";

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
 * or a list of those tried in order. Exact names win over globs within one map, as in Celery's `MapRoute`; only keys
 * with `*` are globs, and `"re:<regex>"` keys are Python regular expressions (`re.match`).
 */
export type TaskRoutes = Readonly<Record<string, TaskRoute | string>> | TaskRouter | ReadonlyArray<Readonly<Record<string, TaskRoute | string>> | TaskRouter>;

/** `TaskRoutes` as router functions in order, each map compiled with Celery's `MapRoute` semantics. */
export function toTaskRouters(routes: TaskRoutes | undefined): TaskRouter[] {
  if (routes === undefined) return [];
  const list = (Array.isArray(routes) ? routes : [routes]) as ReadonlyArray<Readonly<Record<string, TaskRoute | string>> | TaskRouter>;
  return list.map((entry) => {
    if (typeof entry === "function") return entry;
    const match = createMapRoute(toRouteMap(entry));
    return (name: string) => {
      const found = match(name);
      if (found === undefined) return undefined;
      const { queue, exchange, routing_key: routingKey, priority } = found;
      return {
        ...(typeof queue === "string" ? { queue } : {}),
        ...(typeof exchange === "string" ? { exchange } : {}),
        ...(typeof routingKey === "string" ? { routingKey } : {}),
        ...(typeof priority === "number" ? { priority } : {}),
      };
    };
  });
}

/** A `TaskRoute` map by Celery's names (`routingKey` → `routing_key`). */
export function toRouteMap(map: Readonly<Record<string, TaskRoute | string>>): RouteMap {
  const out: Record<string, string | RouteSetting> = {};
  for (const [key, route] of Object.entries(map)) {
    if (typeof route === "string") out[key] = route;
    else {
      const { routingKey, ...rest } = route;
      out[key] = { ...rest, ...(routingKey !== undefined ? { routing_key: routingKey } : {}) };
    }
  }
  return out;
}
