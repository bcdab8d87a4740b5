import { makeMap } from "./construct-signature.js";
import { toMutable, toValue } from "./mutable-signature.js";
import type { Signature } from "./signature.js";

/** Celery's `task.map(items)` (`xmap`): ONE `celery.map` task that calls `task(item)` for each item, in the worker. */
export function map(task: Signature, items: readonly unknown[]): Signature {
  return toValue(makeMap("celery.map", toMutable(task), [...items]));
}

/** Celery's `task.starmap(items)` (`xstarmap`): ONE `celery.starmap` task that calls `task(*item)` for each item. */
export function starmap(task: Signature, items: readonly (readonly unknown[])[]): Signature {
  return toValue(
    makeMap(
      "celery.starmap",
      toMutable(task),
      items.map((i) => [...i]),
    ),
  );
}
