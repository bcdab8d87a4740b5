// TypeScript handlers for the routing project's tasks (C:conformance/python/routing_project/tasks.py), so a
// `proto worker -A conformance/ts-tasks/routing-project-tasks.ts --config <the project's configuration>` serves the
// same queues as its Python workers.
type Kwargs = Readonly<Record<string, unknown>>;

export const tasks = {
  "routing_project.tasks.add": ([x, y]: readonly unknown[]) => (x as number) + (y as number),
  "routing_project.tasks.insert": ([record]: readonly unknown[]) => ({ ...(record as Kwargs), inserted: true }),
  "routing_project.tasks.push_notify": ([msg]: readonly unknown[]) => `pushed: ${pythonStr(msg)}`,
  "routing_project.tasks.work": ([n]: readonly unknown[]) => ((n as number) * ((n as number) - 1)) / 2,
};

/** Python's `str()` of the values these tasks receive (numbers, strings and lists of them), as an f-string prints them. */
function pythonStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === "string" ? `'${v}'` : pythonStr(v))).join(", ")}]`;
  return String(value);
}
