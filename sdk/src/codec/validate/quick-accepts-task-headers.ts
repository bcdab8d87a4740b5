import { isNonEmptyString, isOptionalString, isSchemaIntegerIn, isSchemaNumber, isSchemaObject } from "./ajv-type-checks.js";

/** `common.schema.json#/$defs/IsoDateTime`. */
const ISO_DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$/u;

/**
 * A quick check of protocol-2 task headers (`TaskHeadersV2` in `schemas/json/task-message-v2.schema.json`) that is
 * true only for values `validateTaskHeadersV2` accepts: every constraint of the schema, written out. False sends the
 * value to the full validator, whose error details callers report.
 */
export function quickAcceptsTaskHeaders(value: unknown): boolean {
  if (!isSchemaObject(value)) return false;
  const h = value;
  return (
    isNonEmptyString(h["task"]) &&
    isNonEmptyString(h["id"]) &&
    isOptionalString(h["lang"]) &&
    isOptionalStringOrNull(h["shadow"]) &&
    isOptionalDateTimeOrNull(h["eta"]) &&
    isOptionalDateTimeOrNull(h["expires"]) &&
    isOptionalTaskIdOrNull(h["group"]) &&
    (h["group_index"] === undefined || h["group_index"] === null || isSchemaIntegerIn(h["group_index"], 0)) &&
    (h["retries"] === undefined || isSchemaIntegerIn(h["retries"], 0)) &&
    isOptionalTimeLimitPair(h["timelimit"]) &&
    isOptionalTaskIdOrNull(h["root_id"]) &&
    isOptionalTaskIdOrNull(h["parent_id"]) &&
    isOptionalString(h["argsrepr"]) &&
    isOptionalString(h["kwargsrepr"]) &&
    isOptionalString(h["origin"]) &&
    (h["ignore_result"] === undefined || h["ignore_result"] === null || typeof h["ignore_result"] === "boolean") &&
    (h["replaced_task_nesting"] === undefined || isSchemaIntegerIn(h["replaced_task_nesting"], 0)) &&
    isOptionalStringListOrNull(h["stamped_headers"]) &&
    (h["stamps"] === undefined || isSchemaObject(h["stamps"])) &&
    isOptionalString(h["compression"]) &&
    (h["redelivered"] === undefined || typeof h["redelivered"] === "boolean")
  );
}

function isOptionalStringOrNull(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

function isOptionalTaskIdOrNull(value: unknown): boolean {
  return value === undefined || value === null || isNonEmptyString(value);
}

function isOptionalDateTimeOrNull(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && ISO_DATE_TIME.test(value));
}

/** `common.schema.json#/$defs/TimeLimitPair`: `[hard, soft]`, each a number or null. */
function isOptionalTimeLimitPair(value: unknown): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value) || value.length !== 2) return false;
  const hard: unknown = value[0];
  const soft: unknown = value[1];
  return (hard === null || isSchemaNumber(hard)) && (soft === null || isSchemaNumber(soft));
}

function isOptionalStringListOrNull(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
  return true;
}
