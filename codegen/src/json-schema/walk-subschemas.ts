import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { ARRAY_SUBSCHEMA_KEYWORDS, MAP_SUBSCHEMA_KEYWORDS, SINGLE_SUBSCHEMA_KEYWORDS } from "./schema-keywords.js";

/** One subschema position: the object found there and its JSON Pointer tokens from the document root. */
export interface SubschemaVisit {
  readonly schema: JsonObject;
  readonly path: readonly string[];
}

/**
 * Calls `visit` for `schema` and every object subschema below it (pre-order, in key order),
 * following only schema-bearing keywords. Boolean subschemas are skipped.
 */
export function walkSubschemas(schema: JsonObject, visit: (entry: SubschemaVisit) => void, path: readonly string[] = []): void {
  visit({ schema, path });
  for (const [keyword, value] of Object.entries(schema)) {
    for (const child of listChildSchemas(keyword, value)) {
      walkSubschemas(child.schema, visit, [...path, ...child.path]);
    }
  }
}

/** The direct object subschemas held by one keyword, with their path relative to the parent schema. */
export function listChildSchemas(keyword: string, value: JsonValue): SubschemaVisit[] {
  const children: SubschemaVisit[] = [];
  if (SINGLE_SUBSCHEMA_KEYWORDS.includes(keyword) && isJsonObject(value)) {
    children.push({ schema: value, path: [keyword] });
  } else if (ARRAY_SUBSCHEMA_KEYWORDS.includes(keyword) && Array.isArray(value)) {
    value.forEach((item, index) => {
      if (isJsonObject(item)) {
        children.push({ schema: item, path: [keyword, String(index)] });
      }
    });
  } else if (MAP_SUBSCHEMA_KEYWORDS.includes(keyword) && isJsonObject(value)) {
    for (const [name, item] of Object.entries(value)) {
      if (isJsonObject(item)) {
        children.push({ schema: item, path: [keyword, name] });
      }
    }
  }
  return children;
}
