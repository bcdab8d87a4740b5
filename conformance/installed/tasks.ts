// A worker module as a user writes it: `proto worker -A ./tasks.ts`.
type Kwargs = Readonly<Record<string, unknown>>;

export const tasks = {
  "installed.add": ([x, y]: readonly [number, number]): number => x + y,
  "installed.shout": ([text, times = 1]: readonly [string, number?]): string => text.toUpperCase().repeat(times),
  "installed.tick": (_args: readonly unknown[], kwargs: Kwargs): string => `tick ${String(kwargs["n"] ?? "")}`,
  "installed.pid": (): number => process.pid,
};
