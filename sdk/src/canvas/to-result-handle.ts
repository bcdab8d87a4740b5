import { AsyncResult } from "../results/async-result.js";
import { GroupResult } from "../results/group-result.js";
import type { ResultApp } from "../results/result-app.js";
import type { FrozenResult } from "./frozen-result.js";

/** The `AsyncResult` / `GroupResult` (with parents) for a frozen result tree, reading through `app`'s backend. */
export function toResultHandle(result: FrozenResult, app: ResultApp): AsyncResult<unknown> | GroupResult<unknown> {
  const parent = result.parent === null ? null : toResultHandle(result.parent, app);
  if (result.type === "group")
    return new GroupResult(
      result.id,
      result.results.map((r) => toResultHandle(r, app)),
      app,
      parent,
    );
  return new AsyncResult(result.id, app, parent);
}
