// The same tasks in JavaScript: `proto worker -A ./tasks.js -P process`.
export const tasks = {
  "installed.add": ([x, y]) => x + y,
  "installed.shout": ([text, times = 1]) => text.toUpperCase().repeat(times),
  "installed.tick": (_args, kwargs) => `tick ${String(kwargs.n ?? "")}`,
  "installed.pid": () => process.pid,
};
