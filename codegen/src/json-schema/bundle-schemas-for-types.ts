import { resolvePointer, splitFragmentPointer } from "./json-pointer.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { describeLocation, type NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";
import { ANNOTATION_KEYWORDS, ARRAY_SUBSCHEMA_KEYWORDS, MAP_SUBSCHEMA_KEYWORDS, SINGLE_SUBSCHEMA_KEYWORDS, UNSUPPORTED_KEYWORDS } from "./schema-keywords.js";

/** The single document handed to json-schema-to-typescript. */
export interface TypesBundle {
  /** `{title: rootName, anyOf: [$ref to each named schema], "x-named": {<name>: schema}}`. */
  readonly document: JsonObject;
  /** The synthetic root's title; its declaration is removed from the output. */
  readonly rootName: string;
}

/** Synthetic root name; cannot clash with a schema title because titles are checked against it. */
export const TYPES_BUNDLE_ROOT_NAME = "CeleryProtoSchemaBundleRoot";

const NAMED_CONTAINER = "x-named";

/**
 * Bundles every schema file into one self-contained document for json-schema-to-typescript,
 * so that each named schema is declared exactly once and every reference to it (same file or
 * cross-file by `$id`) resolves to the same object, hence the same TS type:
 *
 * - each named schema becomes `#/x-named/<Name>`; a titled subschema nested in another one
 *   becomes a `$ref` to its entry;
 * - a `$ref` to a named schema becomes a `$ref` to its entry (annotation siblings such as
 *   `description` are kept on a wrapping `allOf`, because json-schema-to-typescript would
 *   otherwise copy the target and declare it twice);
 * - a `$ref` to an untitled schema is inlined (untitled schemas are not meant to be named types);
 * - draft 2020-12 spellings json-schema-to-typescript does not know are mapped to the older
 *   ones it does: `prefixItems`/`items` → `items`/`additionalItems`, `unevaluatedProperties: false`
 *   → `additionalProperties: false` when the latter is absent.
 *
 * The bundle is only used to derive TS types; validators are compiled from the original files.
 */
export function bundleSchemasForTypes(schemas: readonly LoadedSchema[], named: readonly NamedSchema[]): TypesBundle {
  if (named.some((entry) => entry.name === TYPES_BUNDLE_ROOT_NAME)) {
    throw new Error(`the schema title "${TYPES_BUNDLE_ROOT_NAME}" is reserved by the generator`);
  }
  const bundler = new TypesBundler(schemas, named);
  const entries: JsonObject = {};
  for (const entry of named) {
    entries[entry.name] = bundler.transformNamed(entry);
  }
  return {
    rootName: TYPES_BUNDLE_ROOT_NAME,
    document: {
      title: TYPES_BUNDLE_ROOT_NAME,
      anyOf: named.map((entry) => referenceTo(entry)),
      [NAMED_CONTAINER]: entries,
    },
  };
}

function referenceTo(entry: NamedSchema): JsonObject {
  return { $ref: `#/${NAMED_CONTAINER}/${entry.name}` };
}

/** Where a subschema being transformed sits, for resolving relative `$ref`s and for error messages. */
interface Position {
  readonly source: LoadedSchema;
  readonly path: readonly string[];
}

class TypesBundler {
  private readonly schemasById: ReadonlyMap<string, LoadedSchema>;
  private readonly namedBySchema: ReadonlyMap<JsonObject, NamedSchema>;

  constructor(schemas: readonly LoadedSchema[], named: readonly NamedSchema[]) {
    if (named.some((entry) => !schemas.includes(entry.source))) {
      throw new Error("bundleSchemasForTypes: the named schemas must be listed from the same loaded schemas");
    }
    this.schemasById = new Map(schemas.map((schema) => [schema.id, schema]));
    this.namedBySchema = new Map(named.map((entry) => [entry.schema, entry]));
  }

  transformNamed(entry: NamedSchema): JsonObject {
    return this.transformSchema(entry.schema, { source: entry.source, path: entry.path }, [], true);
  }

  /**
   * @param inlining untitled `$ref` targets being inlined on the way here (cycle guard)
   * @param isEntry true for the top of a named entry, which must not turn into a `$ref` to itself
   */
  private transformSchema(schema: JsonObject, at: Position, inlining: readonly string[], isEntry = false): JsonObject {
    const named = this.namedBySchema.get(schema);
    if (named !== undefined && !isEntry) {
      return referenceTo(named);
    }
    this.assertSupported(schema, at);
    const reference = schema["$ref"];
    if (typeof reference === "string") {
      return this.transformReference(schema, reference, at, inlining);
    }
    const result: JsonObject = {};
    for (const [keyword, value] of Object.entries(schema)) {
      if (keyword === "$schema" || keyword === "$id" || keyword === "$defs") {
        continue;
      }
      result[keyword] = this.transformKeyword(keyword, value, at, inlining);
    }
    return mapDraft2020Keywords(result);
  }

  private transformKeyword(keyword: string, value: JsonValue, at: Position, inlining: readonly string[]): JsonValue {
    const child = (node: JsonValue, ...segments: string[]): JsonValue =>
      isJsonObject(node) ? this.transformSchema(node, { source: at.source, path: [...at.path, ...segments] }, inlining) : structuredClone(node);
    if (SINGLE_SUBSCHEMA_KEYWORDS.includes(keyword)) {
      return child(value, keyword);
    }
    if (ARRAY_SUBSCHEMA_KEYWORDS.includes(keyword) && Array.isArray(value)) {
      return value.map((item, index) => child(item, keyword, String(index)));
    }
    if (MAP_SUBSCHEMA_KEYWORDS.includes(keyword) && isJsonObject(value)) {
      const mapped: JsonObject = {};
      for (const [name, item] of Object.entries(value)) {
        mapped[name] = child(item, keyword, name);
      }
      return mapped;
    }
    return structuredClone(value);
  }

  private transformReference(schema: JsonObject, reference: string, at: Position, inlining: readonly string[]): JsonObject {
    const target = this.resolveReference(reference, at);
    const targetKey = `${target.source.id}#${target.path.join("/")}`;
    let replacement: JsonObject;
    const targetNamed = this.namedBySchema.get(target.schema);
    if (targetNamed !== undefined) {
      replacement = referenceTo(targetNamed);
    } else {
      if (inlining.includes(targetKey)) {
        throw new Error(
          `${describeLocation(at.source, at.path)}: "$ref": "${reference}" is recursive through untitled schemas; give ${describeLocation(target.source, target.path)} a "title" so it becomes a named type`,
        );
      }
      replacement = this.transformSchema(target.schema, target, [...inlining, targetKey]);
    }
    const siblings: JsonObject = {};
    for (const [keyword, value] of Object.entries(schema)) {
      if (keyword !== "$ref") {
        siblings[keyword] = value;
      }
    }
    if (Object.keys(siblings).length === 0) {
      return replacement;
    }
    const transformedSiblings = this.transformSchema(siblings, at, inlining, true);
    const onlyAnnotations = Object.keys(siblings).every((keyword) => ANNOTATION_KEYWORDS.has(keyword));
    if (onlyAnnotations && targetNamed === undefined) {
      return { ...replacement, ...transformedSiblings };
    }
    const siblingAllOf = transformedSiblings["allOf"];
    return {
      ...transformedSiblings,
      allOf: [replacement, ...(Array.isArray(siblingAllOf) ? siblingAllOf : [])],
    };
  }

  private resolveReference(reference: string, at: Position): Position & { readonly schema: JsonObject } {
    const where = describeLocation(at.source, at.path);
    const url = new URL(reference, at.source.id);
    const fragment = url.hash;
    url.hash = "";
    const source = this.schemasById.get(url.href);
    if (source === undefined) {
      throw new Error(`${where}: "$ref": "${reference}" points to ${url.href}, which is not the $id of any file in schemas/json`);
    }
    let path: string[];
    try {
      path = splitFragmentPointer(fragment);
    } catch (cause) {
      throw new Error(`${where}: "$ref": "${reference}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const schema = resolvePointer(source.document, path);
    if (!isJsonObject(schema)) {
      throw new Error(`${where}: "$ref": "${reference}" does not point to a schema object in ${source.sourcePath}`);
    }
    return { source, path, schema };
  }

  private assertSupported(schema: JsonObject, at: Position): void {
    for (const keyword of UNSUPPORTED_KEYWORDS) {
      if (keyword in schema) {
        throw new Error(`${describeLocation(at.source, at.path)}: "${keyword}" is not supported by the generator`);
      }
    }
    if (at.path.length > 0 && "$id" in schema) {
      throw new Error(`${describeLocation(at.source, at.path)}: "$id" below the root is not supported; split the schema into its own file`);
    }
  }
}

/** Rewrites the draft 2020-12 keywords json-schema-to-typescript ignores into the ones it reads. */
function mapDraft2020Keywords(schema: JsonObject): JsonObject {
  const result: JsonObject = { ...schema };
  const prefixItems = result["prefixItems"];
  if (Array.isArray(prefixItems)) {
    delete result["prefixItems"];
    const rest = result["items"];
    result["items"] = prefixItems;
    if (rest === undefined) {
      delete result["additionalItems"];
    } else {
      result["additionalItems"] = rest;
    }
  }
  if (result["unevaluatedProperties"] === false && !("additionalProperties" in result)) {
    result["additionalProperties"] = false;
  }
  return result;
}
