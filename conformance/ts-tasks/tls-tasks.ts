// TypeScript handler of the TLS project's task (C:conformance/python/tls_project/tasks.py), saying it ran here.
// `proto worker -A <this file> --config <json>`.
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";

export function register(registry: TaskRegistry): void {
  registry.register("tls.add", ([x, y]) => ({ sum: (x as number) + (y as number), by: "typescript" }));
}
