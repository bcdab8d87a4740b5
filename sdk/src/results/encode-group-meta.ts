import { encodeKombuJson } from "../codec/json/kombu-json.js";
import type { ResultTuple } from "../gen/json-schema/types.js";

/**
 * The text Celery stores under `celery-taskset-meta-<gid>` for `GroupResult.save()` (`_save_group`):
 * `json.dumps({"result": result.as_tuple()})`, byte for byte (Python's `", "` and `": "` separators).
 */
export function encodeGroupMeta(tuple: ResultTuple): string {
  return encodeKombuJson({ result: tuple });
}
