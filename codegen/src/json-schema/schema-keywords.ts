/**
 * Where draft 2020-12 keeps subschemas. Keywords not listed here (`const`, `enum`, `default`,
 * `examples`, ...) hold plain data and are never walked as schemas.
 */

/** Keywords whose value is a single subschema. */
export const SINGLE_SUBSCHEMA_KEYWORDS: readonly string[] = [
  "additionalProperties",
  "contains",
  "else",
  "if",
  "items",
  "not",
  "propertyNames",
  "then",
  "unevaluatedItems",
  "unevaluatedProperties",
];

/** Keywords whose value is an array of subschemas. */
export const ARRAY_SUBSCHEMA_KEYWORDS: readonly string[] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/** Keywords whose value is an object mapping names to subschemas. */
export const MAP_SUBSCHEMA_KEYWORDS: readonly string[] = ["$defs", "dependentSchemas", "patternProperties", "properties"];

/** Keywords that only annotate a schema; they may sit next to a `$ref` without changing what it accepts. */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set([
  "$comment",
  "default",
  "deprecated",
  "description",
  "examples",
  "readOnly",
  "title",
  "writeOnly",
]);

/** Keywords this generator refuses, because neither json-schema-to-typescript nor the bundling here can honour them. */
export const UNSUPPORTED_KEYWORDS: readonly string[] = ["$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef", "definitions"];
