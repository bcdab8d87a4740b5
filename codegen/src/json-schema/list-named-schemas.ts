import { joinPointer } from "./json-pointer.js";
import type { LoadedSchema } from "./load-schemas.js";
import { SCHEMA_FILE_SUFFIX } from "./load-schemas.js";
import type { JsonObject } from "./json-value.js";
import { walkSubschemas } from "./walk-subschemas.js";

/** A schema that becomes one exported TS type and one `validate<Name>` function. */
export interface NamedSchema {
  /** The TS type name (`title`, or derived from the file name for an untitled root). */
  readonly name: string;
  /** The file it lives in. */
  readonly source: LoadedSchema;
  /** JSON Pointer tokens from the file's root (`[]` for the root itself). */
  readonly path: readonly string[];
  /** Absolute reference ajv resolves: the `$id`, plus `#<pointer>` below the root. */
  readonly ref: string;
  /** The subschema itself (part of `source.document`). */
  readonly schema: JsonObject;
}

const TYPE_NAME_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

/** Root keywords that make a file a mere container of `$defs`, with nothing to validate at its root. */
const CONTAINER_ROOT_KEYWORDS: ReadonlySet<string> = new Set(["$schema", "$id", "$defs", "$comment", "description"]);

/**
 * Lists the named schemas of every file, in file order then document order:
 * every subschema with a `title`, plus each root schema. An untitled root is named after its
 * file (`task-message-v2.schema.json` → `TaskMessageV2`) unless it only holds `$defs`.
 * Names must be PascalCase identifiers and unique across all files.
 */
export function listNamedSchemas(schemas: readonly LoadedSchema[]): NamedSchema[] {
  const named: NamedSchema[] = [];
  const byName = new Map<string, NamedSchema>();
  for (const source of schemas) {
    walkSubschemas(source.document, ({ schema, path }) => {
      const title = schema["title"];
      let name: string | undefined;
      if (title !== undefined) {
        if (typeof title !== "string" || !TYPE_NAME_PATTERN.test(title)) {
          throw new Error(
            `${describeLocation(source, path)}: "title" must be a PascalCase identifier, because it names a TS type and a validator (found ${JSON.stringify(title)})`,
          );
        }
        name = title;
      } else if (path.length === 0 && !isContainerRoot(schema)) {
        name = nameAfterFile(source.fileName);
      }
      if (name === undefined) {
        return;
      }
      const entry: NamedSchema = {
        name,
        source,
        path,
        ref: path.length === 0 ? source.id : `${source.id}#${joinPointer(path)}`,
        schema,
      };
      const clash = byName.get(name);
      if (clash !== undefined) {
        throw new Error(
          `duplicate schema title "${name}": ${describeLocation(clash.source, clash.path)} and ${describeLocation(source, path)} (titles must be unique across all files)`,
        );
      }
      byName.set(name, entry);
      named.push(entry);
    });
  }
  return named;
}

/** `schemas/json/x.schema.json#/$defs/Foo`, for error messages. */
export function describeLocation(source: LoadedSchema, path: readonly string[]): string {
  return path.length === 0 ? source.sourcePath : `${source.sourcePath}#${joinPointer(path)}`;
}

function isContainerRoot(schema: JsonObject): boolean {
  return Object.keys(schema).every((keyword) => CONTAINER_ROOT_KEYWORDS.has(keyword));
}

function nameAfterFile(fileName: string): string {
  return fileName
    .slice(0, -SCHEMA_FILE_SUFFIX.length)
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
