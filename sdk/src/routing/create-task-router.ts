import type { RouteMap } from "../config/celery-settings.js";
import type { TaskRoute, TaskRouter } from "../client/task-routes.js";
import type { QueueTable } from "./create-queue-table.js";
import { createMapRoute } from "./create-map-route.js";
import type { RoutedOptions, RouteOptions } from "./route-options.js";
import type { RoutingSettings } from "./routing-settings.js";

/** Celery's `Router` bound to one queue table. */
export interface CeleryRouter {
  /**
   * `Router.route(options, name, args, kwargs)`: the caller's options with `queue` expanded through the table; when a
   * router matches (a non-empty route), the route (its `queue` expanded) with the caller's non-null options over it
   * (`lpmerge`); otherwise the default queue unless the options name a queue. Throws `InvalidOption` for a queue
   * missing from the table with `task_create_missing_queues` off.
   */
  route(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options?: RouteOptions): RoutedOptions;
}

/**
 * Celery's router (`app.amqp.router`): `task_routes`' maps (Celery's `MapRoute`) in order, then `extraRouters`
 * (router functions, as Celery's `task_routes` also takes; a function returns a route with camelCase `routingKey`, a
 * queue name, or undefined to fall through).
 */
export function createTaskRouter(settings: RoutingSettings, table: QueueTable, extraRouters: readonly TaskRouter[] = []): CeleryRouter {
  const maps: readonly RouteMap[] =
    settings.task_routes === null ? [] : Array.isArray(settings.task_routes) ? settings.task_routes : [settings.task_routes as RouteMap];
  const routers: ((name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => RouteOptions | string | undefined)[] = [
    ...maps.map(createMapRoute),
    ...extraRouters.map((fn) => (name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => fromTaskRoute(fn(name, args, kwargs))),
  ];

  // Router.expand_destination: a string is a queue name; a falsy queue is dropped.
  const expand = (route: RouteOptions | string): RoutedOptions => {
    const { queue, ...rest } = typeof route === "string" ? { queue: route } : route;
    if (!queue) return rest;
    return { ...rest, queue: table.get(queue) };
  };

  return {
    route(name, args, kwargs, options = {}) {
      const expanded = expand(options);
      let found: RouteOptions | string | undefined;
      for (const router of routers) {
        found = router(name, args, kwargs);
        if (found !== undefined && found !== null) break;
      }
      if (found !== undefined && found !== null && isTruthyRoute(found)) return lpmerge(expand(found), expanded);
      if (!("queue" in expanded)) return lpmerge(expand(table.defaultQueueName), expanded);
      return expanded;
    },
  };
}

/** Celery's `lpmerge(L, R)`: R's values over L's, except R's `None`s. */
function lpmerge(left: RoutedOptions, right: RoutedOptions): RoutedOptions {
  const out: Record<string, unknown> = { ...left };
  for (const [k, v] of Object.entries(right)) if (v !== null && v !== undefined) out[k] = v;
  return out as RoutedOptions;
}

function isTruthyRoute(route: RouteOptions | string): boolean {
  return typeof route === "string" ? route !== "" : Object.keys(route).length > 0;
}

function fromTaskRoute(route: TaskRoute | string | undefined): RouteOptions | string | undefined {
  if (route === undefined || typeof route === "string") return route;
  const { routingKey, ...rest } = route;
  return { ...rest, ...(routingKey !== undefined ? { routing_key: routingKey } : {}) };
}
