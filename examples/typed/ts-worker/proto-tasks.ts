// The same TypeScript tasks as tasks.ts, implemented through the stubs generated from the protobuf catalog
// (proto/typed/v1/catalog.proto): both catalog front ends give the same types and checks.
import { implementTasks, type TaskRegistry } from "../../../worker/src/index.js";
import { shout, stats } from "../proto/gen/typed/v1/catalog_tasks.js";

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
