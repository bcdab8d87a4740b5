import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { ARRAY_SUBSCHEMA_KEYWORDS, MAP_SUBSCHEMA_KEYWORDS, SINGLE_SUBSCHEMA_KEYWORDS } from "./schema-keywords.js";

/**
 * Annotations that never change what a schema accepts and that ajv's standalone code would only carry along as prose
 * in its `schemaN` constants. Titles go too: they name types and validators, which happens before compilation.
 */
export const STRIPPED_ANNOTATIONS: readonly string[] = ["$comment", "description", "examples", "title"];

/**
 * A copy of `schema` without {@link STRIPPED_ANNOTATIONS} in any schema position. Only keywords are removed:
 * a property that happens to be called `description` (a name under `properties` or `$defs`) and the contents of
 * data keywords (`const`, `enum`, `default`) stay as they are.
 */
export function stripAnnotations(schema: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (STRIPPED_ANNOTATIONS.includes(keyword)) continue;
    copy[keyword] = stripKeywordValue(keyword, value);
  }
  return copy;
}

function stripKeywordValue(keyword: string, value: JsonValue): JsonValue {
  if (SINGLE_SUBSCHEMA_KEYWORDS.includes(keyword) && isJsonObject(value)) return stripAnnotations(value);
  if (ARRAY_SUBSCHEMA_KEYWORDS.includes(keyword) && Array.isArray(value)) return value.map(stripIfSchema);
  if (MAP_SUBSCHEMA_KEYWORDS.includes(keyword) && isJsonObject(value)) {
    const map: JsonObject = {};
    for (const [name, item] of Object.entries(value)) map[name] = stripIfSchema(item);
    return map;
  }
  return structuredClone(value);
}

/** Object subschemas are stripped; boolean subschemas are copied. */
function stripIfSchema(value: JsonValue): JsonValue {
  return isJsonObject(value) ? stripAnnotations(value) : structuredClone(value);
}
