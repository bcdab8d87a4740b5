// The TypeScript half of the typed-tasks example: implements typed.shout and typed.stats through the generated
// stubs. `proto worker -A examples/typed/ts-worker/tasks.ts -Q typed-ts`. A missing or mistyped handler does not
// compile; arguments are validated on receipt (a bad call is stored as FAILURE naming the argument).
import { implementTasks, type TaskRegistry } from "../../../worker/src/index.js";
import { shout, stats } from "../gen/catalog_tasks.js";

export function register(registry: TaskRegistry): void {
  implementTasks(
    registry,
    { shout, stats },
    {
      shout: ([text, times = 1]) => Array.from({ length: times }, () => text.toUpperCase()).join(" "),
      stats: ([numbers]) => {
        const sum = numbers.reduce((total, n) => total + n, 0);
        return { count: numbers.length, sum, mean: sum / numbers.length };
      },
    },
  );
}
