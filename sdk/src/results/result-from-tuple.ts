import { assertValid } from "../codec/validate/assert-valid.js";
import type { ResultTuple } from "../gen/json-schema/types.js";
import { validateResultTuple } from "../gen/json-schema/result-validators.js";
import { AsyncResult } from "./async-result.js";
import { GroupResult } from "./group-result.js";
import type { ResultApp } from "./result-app.js";
import { resultNodeId, resultNodeParent } from "./result-tuple.js";

/**
 * Celery's `result_from_tuple`: `[[id, parent], null]` → AsyncResult, `[[gid, parent], [members]]` → GroupResult,
 * parents rebuilt recursively. Throws `InvalidMessage` when the value is not a result tuple.
 */
export function resultFromTuple(tuple: ResultTuple, app: ResultApp): AsyncResult<unknown> | GroupResult<unknown> {
  assertValid(validateResultTuple, tuple, "InvalidMessage", "result tuple");
  return build(tuple, app);
}

function build(tuple: ResultTuple, app: ResultApp): AsyncResult<unknown> | GroupResult<unknown> {
  const [node, members] = tuple;
  const parentTuple = resultNodeParent(node);
  const parent = parentTuple === null ? null : build(parentTuple, app);
  const id = resultNodeId(node);
  if (members !== null)
    return new GroupResult<unknown>(
      id,
      members.map((m) => build(m, app)),
      app,
      parent,
    );
  return new AsyncResult<unknown>(id, app, parent);
}
