import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ResultMeta } from "../../gen/json-schema/types.js";
import { validateExceptionInfo, validateResultMeta } from "../../gen/json-schema/result-validators.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import { mayHoldTypeWrapper } from "../json/may-hold-type-wrapper.js";
import { parsePythonJson, type ParsedJson } from "../json/parse-python-json.js";
import { assertValid } from "../validate/assert-valid.js";
import { resultForSchemaCheck } from "./result-for-schema-check.js";

/** States whose `result` is an exception dict (C:celery/states.py EXCEPTION_STATES). */
export const EXCEPTION_STATES: ReadonlySet<string> = new Set(["FAILURE", "RETRY", "REVOKED"]);

/**
 * Decodes the JSON text a result backend stores under `celery-task-meta-<id>` (or an RPC reply body), checks it
 * against the schema, and for exception states checks the exception dict.
 */
export function decodeResultMeta(text: string | Uint8Array): ResultMeta {
  const source = typeof text === "string" ? text : new TextDecoder().decode(text);
  let raw: ParsedJson;
  try {
    raw = parsePythonJson(source);
  } catch (e) {
    throw new CeleryProtoError("DecodeError", `result meta is not valid JSON: ${CeleryProtoError.from(e).message}`, { cause: e });
  }
  assertValid(validateResultMeta, resultForSchemaCheck(raw), "InvalidMessage", "result meta");
  const meta = raw as { status: string; result?: unknown };
  if (EXCEPTION_STATES.has(meta.status) && meta.result !== null && meta.result !== undefined) {
    assertValid(validateExceptionInfo, meta.result, "InvalidMessage", `${meta.status} result`, "/result");
  }
  return (mayHoldTypeWrapper(source) ? decodeTypeWrappers(raw, "") : raw) as unknown as ResultMeta;
}
