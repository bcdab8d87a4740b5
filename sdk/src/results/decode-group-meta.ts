import { parsePythonJson, type ParsedJson } from "../codec/json/parse-python-json.js";
import { assertValid } from "../codec/validate/assert-valid.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { GroupMeta, ResultTuple } from "../gen/json-schema/types.js";
import { validateGroupMeta } from "../gen/json-schema/result-validators.js";

/** Decodes a saved group (`celery-taskset-meta-<gid>`) into its result tuple; throws `DecodeError`/`InvalidMessage`. */
export function decodeGroupMeta(text: string): ResultTuple {
  let raw: ParsedJson;
  try {
    raw = parsePythonJson(text);
  } catch (e) {
    throw new CeleryProtoError("DecodeError", `group meta is not valid JSON: ${CeleryProtoError.from(e).message}`, { cause: e });
  }
  assertValid(validateGroupMeta, raw, "InvalidMessage", "group meta");
  return (raw as unknown as GroupMeta).result;
}
