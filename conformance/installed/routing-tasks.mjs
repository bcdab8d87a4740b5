// The routing project's tasks (conformance/python/routing_project) for `proto worker -A ./routing-tasks.mjs --config`.
export const tasks = {
  "routing_project.tasks.add": ([x, y]) => x + y,
  "routing_project.tasks.insert": ([record]) => ({ ...record, inserted: true }),
  "routing_project.tasks.push_notify": ([msg]) => `pushed: ${msg}`,
  "routing_project.tasks.work": ([n]) => (n * (n - 1)) / 2,
};
