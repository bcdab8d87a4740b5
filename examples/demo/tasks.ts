// The demo's TypeScript tasks, loaded by `proto worker -A examples/demo/tasks.ts`.
// A task module exports `tasks` ({ "name": handler | { handler, options } }) or `register(registry)`.
type Kwargs = Readonly<Record<string, unknown>>;

class ValueError extends Error {
  override readonly name = "ValueError"; // stored as builtins.ValueError: Python's get() raises ValueError
}

export const tasks = {
  "demo.add": ([x, y]: readonly [number, number]) => x + y,
  "demo.greet": ([name]: readonly [string], kwargs: Kwargs) => `${String(kwargs["greeting"] ?? "Hello")}, ${name}!`,
  "demo.days_until": ([when]: readonly [Date]) => Math.ceil((when.getTime() - Date.UTC(2025, 0, 1)) / 86_400_000),
  "demo.fail": ([message]: readonly [string]) => {
    throw new ValueError(message);
  },
};
