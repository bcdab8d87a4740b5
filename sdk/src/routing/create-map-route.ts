import type { RouteMap } from "../config/celery-settings.js";
import { compilePythonRegex, matchesAtStart } from "./compile-python-regex.js";
import type { RouteOptions } from "./route-options.js";
import { translateGlob } from "./translate-glob.js";

/** A compiled route map: the route for a task name (a fresh copy), or undefined when nothing matches. */
export type MapRouter = (name: string) => RouteOptions | undefined;

/** The prefix of a `task_routes` key that stands for a compiled Python regular expression. */
export const REGEX_ROUTE_PREFIX = "re:";

/**
 * Celery's `MapRoute`: keys with `*` are fnmatch globs and `"re:<pattern>"` keys are Python regexes (`re.match`,
 * anchored at the start only), tried in the map's order after the exact names; every other key is an exact name, even
 * with `?` or `[`. A string value is a queue name, except `""`, which Celery turns into `{}` (`dict("")`) -- an empty
 * route that stops the lookup and then routes to the default queue.
 */
export function createMapRoute(map: RouteMap): MapRouter {
  const exact = new Map<string, RouteMap[string]>();
  const patterns: { readonly test: (name: string) => boolean; readonly route: RouteMap[string] }[] = [];
  for (const [key, route] of Object.entries(map)) {
    if (key.startsWith(REGEX_ROUTE_PREFIX)) {
      const regex = compilePythonRegex(key.slice(REGEX_ROUTE_PREFIX.length));
      patterns.push({ test: (name) => matchesAtStart(regex, name), route });
    } else if (key.includes("*")) {
      const regex = translateGlob(key);
      patterns.push({ test: (name) => regex.test(name), route });
    } else exact.set(key, route);
  }
  return (name) => {
    const found = exact.get(name);
    if (found !== undefined) return toRouteOptions(found);
    for (const p of patterns) if (p.test(name)) return toRouteOptions(p.route);
    return undefined;
  };
}

function toRouteOptions(route: RouteMap[string]): RouteOptions {
  if (typeof route === "string") return route === "" ? {} : { queue: route };
  return { ...route };
}
